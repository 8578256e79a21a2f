using Drover.Api;

namespace Drover.Cli.Pods;

/// <summary>
/// Which pod `exec` and `port-forward` TYPE/NAME use when the object selects several: the first in
/// sort.Reverse(podutils.ActivePods), kubectl's attachablePodForObject order. Bound before unbound; Running before
/// Unknown before Pending (Succeeded and Failed, missing from kubectl's map, rank with Pending); ready before not ready;
/// ready for longer first; fewer container restarts first; older first.
/// </summary>
internal sealed class AttachOrder : IComparer<Pod>
{
    public static AttachOrder Instance { get; } = new();

    /// <summary>Reversed: the most active pod, which ActivePods sorts last, comes first.</summary>
    public int Compare(Pod? x, Pod? y) => PodRank.Compare(y, x, LessActive);

    /// <summary>kubectl's ActivePods.Less, step by step: true when <paramref name="a"/> is the less active pod.</summary>
    private static bool LessActive(Pod a, Pod b)
    {
        var aNode = PodRank.NodeName(a);
        var bNode = PodRank.NodeName(b);
        if (aNode != bNode && (aNode.Length == 0 || bNode.Length == 0))
            return aNode.Length == 0;
        if (PhaseRank(a) != PhaseRank(b))
            return PhaseRank(a) < PhaseRank(b);
        var aReady = PodRank.IsReady(a, out var aSince);
        var bReady = PodRank.IsReady(b, out var bSince);
        if (aReady != bReady)
            return !aReady;
        if (aReady && bReady && aSince != bSince)
            return PodRank.AfterOrUnset(aSince, bSince);
        if (PodRank.MaxRestarts(a) != PodRank.MaxRestarts(b))
            return PodRank.MaxRestarts(a) > PodRank.MaxRestarts(b);
        if (a.Metadata.CreationTimestamp != b.Metadata.CreationTimestamp)
            return PodRank.AfterOrUnset(a.Metadata.CreationTimestamp, b.Metadata.CreationTimestamp);
        return false;
    }

    /// <summary>Pending 0, Unknown 1, Running 2; any other phase is missing from kubectl's map and reads as 0.</summary>
    private static int PhaseRank(Pod pod) => pod.Status?.Phase switch
    {
        PodPhases.Unknown => 1,
        PodPhases.Running => 2,
        _ => 0,
    };
}
