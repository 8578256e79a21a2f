namespace Drover.ControlPlane.Registry;

/// <summary>The values of DeleteOptions.propagationPolicy, and the finalizers Kubernetes uses for them.</summary>
public static class PropagationPolicies
{
    public const string Background = "Background";
    public const string Foreground = "Foreground";
    public const string Orphan = "Orphan";

    /// <summary>Set on an object deleted with Orphan: the garbage collector releases its dependents, then removes it.</summary>
    public const string OrphanFinalizer = "orphan";

    public static bool IsKnown(string? policy) => policy is null or "" or Background or Foreground or Orphan;
}
