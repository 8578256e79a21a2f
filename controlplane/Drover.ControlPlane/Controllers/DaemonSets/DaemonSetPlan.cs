using Drover.Api;

namespace Drover.ControlPlane.Controllers.DaemonSets;

/// <summary>One sync's decision for a DaemonSet: nodes to start a pod on, pods to delete, and the status.</summary>
public sealed record DaemonSetPlan
{
    public List<string> CreateOn { get; init; } = [];
    public List<Pod> Delete { get; init; } = [];
    /// <summary>Nodes that should run a pod of the current template but have no room for it, and why (a FailedPlacement Event each).</summary>
    public List<(string Node, string Reason)> Unplaced { get; init; } = [];
    public DaemonSetStatus Status { get; init; } = new();
    /// <summary>The next time availability changes by the clock alone (minReadySeconds).</summary>
    public DateTimeOffset? RequeueAt { get; init; }
}
