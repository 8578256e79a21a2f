namespace Drover.ControlPlane.Controllers.Autoscaling;

/// <summary>The kube-controller-manager flags of the replica calculator, with their Kubernetes defaults.</summary>
public sealed record ReplicaCalculatorOptions
{
    /// <summary>--horizontal-pod-autoscaler-tolerance: a usage ratio within 1 ± this changes nothing.</summary>
    public double Tolerance { get; init; } = 0.1;

    /// <summary>
    /// --horizontal-pod-autoscaler-cpu-initialization-period: after a pod starts, its cpu sample counts only once it
    /// is ready and a whole metric window has passed since it became ready (start-up burns cpu that says nothing).
    /// </summary>
    public TimeSpan CpuInitializationPeriod { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// --horizontal-pod-autoscaler-initial-readiness-delay: a not-ready pod whose readiness last changed within this
    /// long of its start is taken as never ready yet, so its cpu sample is left out.
    /// </summary>
    public TimeSpan InitialReadinessDelay { get; init; } = TimeSpan.FromSeconds(30);
}
