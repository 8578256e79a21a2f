namespace Drover.ControlPlane.Registry;

/// <summary>
/// How to delete (Kubernetes' DeleteOptions): the grace period the caller asks for (null: the kind's default) and
/// what becomes of the dependents — <see cref="PropagationPolicies.Background"/> (the default; Foreground is served
/// the same way) or <see cref="PropagationPolicies.Orphan"/>.
/// </summary>
public sealed record DeleteOptions(long? GracePeriodSeconds = null, string? PropagationPolicy = null, bool DryRun = false);
