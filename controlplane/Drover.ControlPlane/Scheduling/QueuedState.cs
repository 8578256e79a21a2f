namespace Drover.ControlPlane.Scheduling;

/// <summary>Where a <see cref="QueuedPod"/> is in the <see cref="SchedulingQueue"/>.</summary>
internal enum QueuedState
{
    Active,
    InFlight,
    Backoff,
    Unschedulable,
    Gone,
}
