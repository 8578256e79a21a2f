using Drover.Api;
using Drover.ControlPlane.ResourceMetrics;

namespace Drover.ControlPlane.Controllers.Autoscaling;

/// <summary>
/// Kubernetes' groupPods: which of a target's pods have a usable sample (ready), which are not ready yet, which lack a
/// sample, and which do not count at all (terminating or failed).
/// </summary>
internal sealed class PodGroups
{
    public int ReadyCount { get; private set; }
    public HashSet<string> Unready { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Missing { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Ignored { get; } = new(StringComparer.Ordinal);

    public static PodGroups Of(IReadOnlyList<Pod> pods, IReadOnlyDictionary<string, PodUsage> usage, string resource,
        ReplicaCalculatorOptions options, DateTimeOffset now)
    {
        var groups = new PodGroups();
        foreach (var pod in pods)
        {
            var name = pod.Metadata.Name ?? "";
            var phase = pod.Status?.Phase;
            if (pod.Metadata.DeletionTimestamp is not null || phase == PodPhases.Failed)
            {
                groups.Ignored.Add(name);
                continue;
            }
            if (phase == PodPhases.Pending)
            {
                groups.Unready.Add(name);
                continue;
            }
            if (!usage.TryGetValue(name, out var sample))
            {
                groups.Missing.Add(name);
                continue;
            }
            if (resource == "cpu" && CpuSampleUnusable(pod, sample, options, now))
            {
                groups.Unready.Add(name);
                continue;
            }
            groups.ReadyCount++;
        }
        return groups;
    }

    private static bool CpuSampleUnusable(Pod pod, PodUsage sample, ReplicaCalculatorOptions options, DateTimeOffset now)
    {
        var ready = pod.Status?.Conditions?.Find(c => c.Type == "Ready");
        var started = pod.Status?.StartTime;
        if (ready is null || started is null)
            return true;
        // Go's zero time when unset, as in Kubernetes.
        var transition = ready.LastTransitionTime ?? DateTimeOffset.MinValue;
        if (started.Value + options.CpuInitializationPeriod > now)
            return ready.Status == "False" || (transition != DateTimeOffset.MinValue && sample.Timestamp < transition + sample.Window);
        return ready.Status == "False" && started.Value + options.InitialReadinessDelay > transition;
    }
}
