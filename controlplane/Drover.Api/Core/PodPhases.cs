namespace Drover.Api;

/// <summary>The values of <c>status.phase</c> of a pod, as Kubernetes defines them.</summary>
public static class PodPhases
{
    public const string Pending = "Pending";
    public const string Running = "Running";
    public const string Succeeded = "Succeeded";
    public const string Failed = "Failed";
    public const string Unknown = "Unknown";
}
