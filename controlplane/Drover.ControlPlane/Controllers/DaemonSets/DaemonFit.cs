using Drover.Api;
using Drover.Scheduling;

namespace Drover.ControlPlane.Controllers.DaemonSets;

/// <summary>
/// Whether a daemon pod fits on its node (the resources half of Kubernetes' nodeShouldRunDaemonPod): its requests
/// against the node's allocatable minus the requests of the other pods bound there, judged by the scheduler's own
/// <see cref="ResourcesFitFilter"/> over a one-node <see cref="ClusterSnapshot"/>, so the DaemonSet controller and the
/// scheduler never disagree about what fits. The DaemonSet's own pods on the node do not count: they are the ones a
/// new pod replaces.
/// </summary>
public static class DaemonFit
{
    /// <summary>The Event reason when a daemon pod is not created for lack of room (Kubernetes' FailedPlacementReason).</summary>
    public const string FailedPlacement = "FailedPlacement";

    private static readonly ResourcesFitFilter Filter = new();

    /// <summary>
    /// Null when <paramref name="daemonPod"/> fits on <paramref name="node"/> beside <paramref name="podsOnNode"/>;
    /// otherwise why not, in Kubernetes' words (<c>Node didn't have enough resource: cpu, requested: 500, used: 800, capacity: 1000</c>).
    /// </summary>
    public static string? Misfit(Node node, Pod daemonPod, IEnumerable<Pod> podsOnNode)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(daemonPod);
        ArgumentNullException.ThrowIfNull(podsOnNode);
        var name = node.Metadata.Name ?? "";
        var owner = ControllerRefs.ControllerOf(daemonPod.Metadata)?.Uid;
        var snapshot = new ClusterSnapshot();
        snapshot.UpsertNode(node);
        foreach (var pod in podsOnNode)
        {
            // UpsertPod leaves finished pods out, as the scheduler does; terminating ones still hold their requests.
            if (pod.Spec.NodeName == name && (owner is null || ControllerRefs.ControllerOf(pod.Metadata)?.Uid != owner))
                snapshot.UpsertPod(pod);
        }
        var info = snapshot.FindNode(name)!;
        var candidate = PodInfo.From(daemonPod);
        Span<int> candidates = [info.Id];
        var rejections = new RejectionLog();
        if (Filter.Filter(snapshot, candidate, candidates, rejections) == 1)
            return null;
        var state = snapshot.NodeStates[info.Id];
        var details = rejections.ReasonsFor(info.Id).Select(reason => reason switch
        {
            FilterReasons.InsufficientCpu => Detail("cpu", candidate.MilliCpu, state.RequestedMilliCpu, state.AllocatableMilliCpu),
            FilterReasons.InsufficientMemory => Detail("memory", candidate.MemoryBytes, state.RequestedMemoryBytes, state.AllocatableMemoryBytes),
            FilterReasons.TooManyPods => Detail("pods", 1, state.PodCount, state.AllocatablePods),
            _ => reason,
        });
        return string.Join("; ", details);
    }

    private static string Detail(string resource, long requested, long used, long capacity) =>
        $"Node didn't have enough resource: {resource}, requested: {requested}, used: {used}, capacity: {capacity}";
}
