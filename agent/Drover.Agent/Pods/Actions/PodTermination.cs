namespace Drover.Agent.Pods.Actions;

/// <summary>
/// How a pod stops (the kubelet's killPod and what its pod worker does around it). In order: serve on for
/// <see cref="Drain"/> while the <see cref="PreStopHooks"/> run (both bounded by <see cref="Grace"/>), stop
/// <see cref="ContainersToKill"/> within what is left of it (<see cref="GraceAfterHooks"/>), report the last statuses,
/// then remove everything or stop the sandboxes, and finish the deletion in the API.
/// </summary>
internal sealed class PodTermination
{
    /// <summary>As the kubelet: hooks that used up the grace period still leave the containers this long for SIGTERM.</summary>
    public static readonly TimeSpan MinimumGraceAfterHooks = TimeSpan.FromSeconds(2);

    public required PodTerminationKind Kind { get; init; }

    /// <summary>The pod had finished before the node's shutdown: nothing runs to stop, and its status stays what it is.</summary>
    public bool AlreadyFinished { get; init; }

    /// <summary>The grace period the whole stop has, hooks and drain included.</summary>
    public TimeSpan Grace { get; init; }

    /// <summary>How long the pod serves on before its containers get SIGTERM (PodManagerOptions.TerminationDrainDelay).</summary>
    public TimeSpan Drain { get; init; }

    public IReadOnlyList<PreStopHook> PreStopHooks { get; init; } = [];

    public IReadOnlyList<ContainerToKill> ContainersToKill { get; init; } = [];

    /// <summary>Report how the containers ended before they go (the kubelet's last word on them).</summary>
    public bool ReportFinalStatus { get; init; }

    /// <summary>Set when the pod ends Failed for a reason of the node's (a shutdown), not because of its containers.</summary>
    public PodFailure? FailedAs { get; init; }

    /// <summary>Remove the sandboxes, containers, cgroups and logs (else only <see cref="SandboxesToStop"/> are stopped).</summary>
    public bool RemoveEverything { get; init; }

    public IReadOnlyList<string> SandboxesToStop { get; init; } = [];

    /// <summary>Delete the pod object (grace 0) once everything is gone: the agent has the last word on a graceful deletion.</summary>
    public bool FinishDeletion { get; init; }

    /// <summary>The grace period the containers get after drain and hooks took <paramref name="spent"/> of it.</summary>
    public TimeSpan GraceAfterHooks(TimeSpan spent)
    {
        if (Grace <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var left = spent < Grace ? Grace - spent : TimeSpan.Zero;
        return Kind == PodTerminationKind.Deleted && left < MinimumGraceAfterHooks && spent > Drain ? MinimumGraceAfterHooks : left;
    }
}
