namespace Drover.Agent.Pods;

/// <summary>
/// Labels and annotations on CRI sandboxes and containers. The io.kubernetes.* names are the kubelet's,
/// so crictl and other tools show Drover's pods as they show Kubernetes pods. They are the agent's only
/// memory across restarts: an agent finds its pods, their attempts and restart counts from them.
/// </summary>
internal static class PodLabels
{
    public const string PodName = "io.kubernetes.pod.name";
    public const string PodNamespace = "io.kubernetes.pod.namespace";
    public const string PodUid = "io.kubernetes.pod.uid";
    public const string ContainerName = "io.kubernetes.container.name";

    /// <summary>Marks what this agent created; orphan clean-up never touches anything else.</summary>
    public const string ManagedBy = "drover.io/managed-by";
    public const string ManagedByValue = "drover-agent";

    public const string RestartCountAnnotation = "io.kubernetes.container.restartCount";
    public const string ContainerHashAnnotation = "io.kubernetes.container.hash";
    public const string TerminationGracePeriodAnnotation = "io.kubernetes.pod.terminationGracePeriod";
}
