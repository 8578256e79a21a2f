namespace Drover.Api;

/// <summary>
/// What an agent sends droverd every resource-metrics interval: cumulative counters as the kernel and CRI keep them,
/// so droverd derives rates from two reports and a lost report costs resolution, not correctness.
/// </summary>
public sealed record NodeUsageReport
{
    /// <summary>When the node counters were read, in nanoseconds since the Unix epoch (rates need sub-second precision).</summary>
    public long TimestampUnixNano { get; init; }

    /// <summary>cpu time used by the whole node since boot (/proc/stat), in nanoseconds.</summary>
    public long CpuUsageCoreNanoSeconds { get; init; }

    /// <summary>Memory in use that cannot be reclaimed at once (MemTotal − MemAvailable), in bytes.</summary>
    public long MemoryWorkingSetBytes { get; init; }

    public List<PodUsageReport> Pods { get; init; } = [];
}

public sealed record PodUsageReport
{
    public string Namespace { get; init; } = "";
    public string Name { get; init; } = "";
    public string Uid { get; init; } = "";
    public List<ContainerUsageReport> Containers { get; init; } = [];
}

/// <summary>One container's CRI stats: cpu usageCoreNanoSeconds and the memory working set, with CRI's timestamp.</summary>
public sealed record ContainerUsageReport
{
    public string Name { get; init; } = "";

    /// <summary>CRI's timestamp of the cpu sample, in nanoseconds since the Unix epoch.</summary>
    public long TimestampUnixNano { get; init; }
    public long CpuUsageCoreNanoSeconds { get; init; }
    public long MemoryWorkingSetBytes { get; init; }
}
