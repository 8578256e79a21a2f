using Drover.Api;
using Drover.ControlPlane.Controllers.Framework;
using Drover.Scheduling;
using Drover.ControlPlane.Informers;

namespace Drover.ControlPlane.Scheduling;

/// <summary>
/// What reaches the scheduling loop, in one channel so the snapshot (which is not thread-safe) is only
/// ever touched by the loop: informer changes, the outcome of bindings, and the clock.
/// </summary>
internal abstract record SchedulerInput;

internal sealed record PodChanged(ObjectChange<Pod> Change) : SchedulerInput;

internal sealed record NodeChanged(ObjectChange<Node> Change) : SchedulerInput;

/// <summary>A binding the loop started has ended: <paramref name="Error"/> is null on success.</summary>
internal sealed record BindFinished(QueuedPod Pod, PodInfo Info, string NodeName, long Revision, Exception? Error) : SchedulerInput;

/// <summary>Time passed: backoffs may be over and long-parked pods due.</summary>
internal sealed record SchedulerTick : SchedulerInput
{
    public static SchedulerTick Instance { get; } = new();
}
