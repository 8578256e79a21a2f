using Drover.Api;

namespace Drover.Cli.Logs;

/// <summary>
/// Which pod `logs TYPE/NAME` reads when the object selects several: the first in kubectl's podutils.ByLogging order.
/// Bound before unbound; Running (and, as kubectl reads the phase, Succeeded and Failed) before Unknown before Pending;
/// ready before not ready; ready for longer first; more container restarts first; older first.
/// </summary>
internal sealed class LoggingOrder : IComparer<Pod>
{
    public static LoggingOrder Instance { get; } = new();

    public int Compare(Pod? x, Pod? y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        return Less(x, y) ? -1 : Less(y, x) ? 1 : 0;
    }

    /// <summary>kubectl's ByLogging.Less, step by step.</summary>
    private static bool Less(Pod a, Pod b)
    {
        var aNode = a.Spec.NodeName ?? "";
        var bNode = b.Spec.NodeName ?? "";
        if (aNode != bNode && (aNode.Length == 0 || bNode.Length == 0))
            return aNode.Length > 0;
        if (PhaseRank(a) != PhaseRank(b))
            return PhaseRank(a) < PhaseRank(b);
        var aReady = ReadySince(a, out var aSince);
        var bReady = ReadySince(b, out var bSince);
        if (aReady != bReady)
            return aReady;
        if (aReady && bReady && aSince != bSince)
            return AfterOrUnset(bSince, aSince);
        if (MaxRestarts(a) != MaxRestarts(b))
            return MaxRestarts(a) > MaxRestarts(b);
        if (a.Metadata.CreationTimestamp != b.Metadata.CreationTimestamp)
            return AfterOrUnset(b.Metadata.CreationTimestamp, a.Metadata.CreationTimestamp);
        return false;
    }

    /// <summary>Running 0, Unknown 1, Pending 2; any other phase is missing from kubectl's map and reads as 0.</summary>
    private static int PhaseRank(Pod pod) => pod.Status?.Phase switch
    {
        PodPhases.Unknown => 1,
        PodPhases.Pending => 2,
        _ => 0,
    };

    private static bool ReadySince(Pod pod, out DateTimeOffset? since)
    {
        var ready = pod.Status?.Conditions?.Find(c => c?.Type == "Ready");
        since = ready?.LastTransitionTime;
        return ready?.Status == "True";
    }

    /// <summary>kubectl's afterOrZero: an unset time sorts last, otherwise the later one is "after".</summary>
    private static bool AfterOrUnset(DateTimeOffset? first, DateTimeOffset? second)
    {
        if (first is null || second is null)
            return first is null;
        return first > second;
    }

    private static int MaxRestarts(Pod pod)
    {
        var max = 0;
        foreach (var status in pod.Status?.ContainerStatuses ?? [])
            max = Math.Max(max, status?.RestartCount ?? 0);
        return max;
    }
}
