using Drover.Api;

namespace Drover.Cli.Pods;

/// <summary>
/// Which pod `logs TYPE/NAME` reads when the object selects several: the first in kubectl's podutils.ByLogging order.
/// Bound before unbound; Running (and, as kubectl reads the phase, Succeeded and Failed) before Unknown before Pending;
/// ready before not ready; ready for longer first; more container restarts first; older first.
/// </summary>
internal sealed class LoggingOrder : IComparer<Pod>
{
    public static LoggingOrder Instance { get; } = new();

    public int Compare(Pod? x, Pod? y) => PodRank.Compare(x, y, Less);

    /// <summary>kubectl's ByLogging.Less, step by step.</summary>
    private static bool Less(Pod a, Pod b)
    {
        var aNode = PodRank.NodeName(a);
        var bNode = PodRank.NodeName(b);
        if (aNode != bNode && (aNode.Length == 0 || bNode.Length == 0))
            return aNode.Length > 0;
        if (PhaseRank(a) != PhaseRank(b))
            return PhaseRank(a) < PhaseRank(b);
        var aReady = PodRank.IsReady(a, out var aSince);
        var bReady = PodRank.IsReady(b, out var bSince);
        if (aReady != bReady)
            return aReady;
        if (aReady && bReady && aSince != bSince)
            return PodRank.AfterOrUnset(bSince, aSince);
        if (PodRank.MaxRestarts(a) != PodRank.MaxRestarts(b))
            return PodRank.MaxRestarts(a) > PodRank.MaxRestarts(b);
        if (a.Metadata.CreationTimestamp != b.Metadata.CreationTimestamp)
            return PodRank.AfterOrUnset(b.Metadata.CreationTimestamp, a.Metadata.CreationTimestamp);
        return false;
    }

    /// <summary>Running 0, Unknown 1, Pending 2; any other phase is missing from kubectl's map and reads as 0.</summary>
    private static int PhaseRank(Pod pod) => pod.Status?.Phase switch
    {
        PodPhases.Unknown => 1,
        PodPhases.Pending => 2,
        _ => 0,
    };
}
