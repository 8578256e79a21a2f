using Drover.Api;

namespace Drover.ControlPlane.Controllers.Jobs;

/// <summary>One sync's decision for a Job: pods to create and delete, the status to write, events, and when to look again.</summary>
public sealed record JobPlan
{
    public int Create { get; init; }
    /// <summary>Indexed Jobs: the completion index of each pod to create (<see cref="Create"/> of them); null otherwise.</summary>
    public List<int>? CreateIndexes { get; init; }
    /// <summary>The counts and the pods whose tracking finalizer is to go (<see cref="JobTracking"/>).</summary>
    public JobTracking Tracking { get; init; } = new();
    public List<Pod> Delete { get; init; } = [];
    public JobStatus Status { get; init; } = new();
    /// <summary>The Job reached a final condition in this sync: (type, reason, message) for its event.</summary>
    public JobCondition? Finished { get; init; }
    /// <summary>The next time something changes by the clock alone (backoff over, deadline reached).</summary>
    public DateTimeOffset? RequeueAt { get; init; }
    /// <summary>Why no pod was created although some are missing (the failure backoff), for the logs.</summary>
    public bool BackingOff { get; init; }
}
