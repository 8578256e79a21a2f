using Drover.Api;

namespace Drover.ControlPlane.ResourceMetrics;

/// <summary>
/// Rates from two cumulative samples, as metrics-server computes them: cpu = Δ cpu-nanoseconds / Δ time (nanocores),
/// memory = the latest working set. A counter that went backwards (a restarted container, a rebooted node) gives no
/// rate until the next report.
/// </summary>
internal static class UsageRates
{
    public static NodeUsageSnapshot Derive(string nodeName, NodeUsageReport? previous, NodeUsageReport current, DateTimeOffset receivedAt)
    {
        var node = previous is null ? null
            : Rate(previous.TimestampUnixNano, previous.CpuUsageCoreNanoSeconds, current.TimestampUnixNano, current.CpuUsageCoreNanoSeconds) is { } nodeCpu
                ? new NodeMetrics
                {
                    Metadata = new ObjectMeta { Name = nodeName, CreationTimestamp = receivedAt },
                    Timestamp = FromUnixNano(current.TimestampUnixNano),
                    Window = GoDurations.Format(nodeCpu.Window),
                    Usage = Usage(nodeCpu.NanoCores, current.MemoryWorkingSetBytes),
                }
                : null;

        var pods = new Dictionary<(string, string), PodRate>();
        if (previous is not null)
        {
            var before = new Dictionary<(string Uid, string Container), ContainerUsageReport>();
            foreach (var pod in previous.Pods)
            {
                foreach (var container in pod.Containers)
                    before[(pod.Uid, container.Name)] = container;
            }
            foreach (var pod in current.Pods)
            {
                if (PodRateOf(pod, before, receivedAt) is { } rate)
                    pods[(pod.Namespace, pod.Name)] = rate;
            }
        }
        return new NodeUsageSnapshot(node, pods, current, receivedAt);
    }

    private static PodRate? PodRateOf(PodUsageReport pod, Dictionary<(string, string), ContainerUsageReport> before, DateTimeOffset receivedAt)
    {
        if (pod.Containers.Count == 0)
            return null;
        var containers = new List<ContainerMetrics>(pod.Containers.Count);
        var window = TimeSpan.Zero;
        long newest = 0;
        foreach (var container in pod.Containers)
        {
            if (!before.TryGetValue((pod.Uid, container.Name), out var earlier)
                || Rate(earlier.TimestampUnixNano, earlier.CpuUsageCoreNanoSeconds, container.TimestampUnixNano, container.CpuUsageCoreNanoSeconds) is not { } cpu)
                return null;
            containers.Add(new ContainerMetrics { Name = container.Name, Usage = Usage(cpu.NanoCores, container.MemoryWorkingSetBytes) });
            window = cpu.Window > window ? cpu.Window : window;
            newest = Math.Max(newest, container.TimestampUnixNano);
        }
        containers.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        var metrics = new PodMetrics
        {
            Metadata = new ObjectMeta { Name = pod.Name, Namespace = pod.Namespace, CreationTimestamp = receivedAt },
            Timestamp = FromUnixNano(newest),
            Window = GoDurations.Format(window),
            Containers = containers,
        };
        return new PodRate(metrics, window);
    }

    private static (long NanoCores, TimeSpan Window)? Rate(long fromTime, long fromCpu, long toTime, long toCpu)
    {
        var elapsed = toTime - fromTime;
        var used = toCpu - fromCpu;
        if (elapsed <= 0 || used < 0)
            return null;
        var nanoCores = (long)((double)used / elapsed * 1e9);
        return (nanoCores, TimeSpan.FromTicks(elapsed / 100));
    }

    private static Dictionary<string, Quantity> Usage(long nanoCores, long memoryBytes) => new()
    {
        ["cpu"] = Quantity.FromNano(nanoCores),
        ["memory"] = Quantity.FromInt64(memoryBytes, QuantityFormat.BinarySI),
    };

    private static DateTimeOffset FromUnixNano(long nanos) => DateTimeOffset.UnixEpoch.AddTicks(nanos / 100);
}
