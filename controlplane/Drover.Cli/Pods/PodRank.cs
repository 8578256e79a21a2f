using Drover.Api;

namespace Drover.Cli.Pods;

/// <summary>The facts about a pod both of kubectl's pod orders (podutils.ByLogging and ActivePods) compare.</summary>
internal static class PodRank
{
    public static string NodeName(Pod pod) => pod.Spec.NodeName ?? "";

    public static bool IsReady(Pod pod, out DateTimeOffset? since)
    {
        var ready = pod.Status?.Conditions?.Find(c => c?.Type == "Ready");
        since = ready?.LastTransitionTime;
        return ready?.Status == "True";
    }

    /// <summary>kubectl's afterOrZero: an unset time sorts last, otherwise the later one is "after".</summary>
    public static bool AfterOrUnset(DateTimeOffset? first, DateTimeOffset? second)
    {
        if (first is null || second is null)
            return first is null;
        return first > second;
    }

    public static int MaxRestarts(Pod pod)
    {
        var max = 0;
        foreach (var status in pod.Status?.ContainerStatuses ?? [])
            max = Math.Max(max, status?.RestartCount ?? 0);
        return max;
    }

    /// <summary>An IComparer from a strict "less than", as Go's sort.Interface gives it.</summary>
    public static int Compare(Pod? x, Pod? y, Func<Pod, Pod, bool> less)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        return less(x, y) ? -1 : less(y, x) ? 1 : 0;
    }
}
