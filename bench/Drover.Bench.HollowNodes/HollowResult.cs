using Drover.Bench.ApiServer;

namespace Drover.Bench.HollowNodes;

/// <summary>One run's figures; times in seconds from the Deployments' creation, memory in bytes.</summary>
internal sealed record HollowResult
{
    /// <summary>droverd's store: "SQLite" or "etcd, N members".</summary>
    public required string Store { get; init; }
    public required int Nodes { get; init; }
    public required int Pods { get; init; }
    public required string Workload { get; init; }
    public required double FleetUpSeconds { get; init; }
    public required double FirstBoundSeconds { get; init; }
    public required double AllBoundSeconds { get; init; }
    public required double AllRunningSeconds { get; init; }
    public required double AllAvailableSeconds { get; init; }
    public required Latency Probe { get; init; }
    public required int ProbeErrors { get; init; }
    public required int ProbeRate { get; init; }
    public required double ServerRequests { get; init; }
    public required double ServerP50Ms { get; init; }
    public required double ServerP99Ms { get; init; }
    public required double DroverdCpuSeconds { get; init; }
    public required double BenchCpuSeconds { get; init; }
    public required long IdleRss { get; init; }
    public required long EndRss { get; init; }
    public required long EndHwm { get; init; }
    public required long SettledRss { get; init; }
    public required long SettledHwm { get; init; }
    public required long StatusWrites { get; init; }
    public required long StatusConflicts { get; init; }
    public required long LeaseRenewals { get; init; }
    public required long NodeErrors { get; init; }
    public required IReadOnlyList<string> FirstNodeErrors { get; init; }
    public required long WatchEvents { get; init; }
    public required string LoadAtStart { get; init; }
    public required string LoadAtEnd { get; init; }

    public double BoundPerSecond => Pods / AllBoundSeconds;

    /// <summary>Flat name → number, for results.json beside the markdown.</summary>
    public SortedDictionary<string, double> Figures() => new(StringComparer.Ordinal)
    {
        ["hollow.nodes"] = Nodes, ["hollow.pods"] = Pods, ["hollow.fleet_up_s"] = FleetUpSeconds,
        ["hollow.first_bound_s"] = FirstBoundSeconds, ["hollow.all_bound_s"] = AllBoundSeconds,
        ["hollow.all_running_s"] = AllRunningSeconds, ["hollow.all_available_s"] = AllAvailableSeconds,
        ["hollow.bound_per_s"] = BoundPerSecond, ["hollow.running_per_s"] = Pods / AllRunningSeconds,
        ["hollow.probe.p50_ms"] = Probe.P50, ["hollow.probe.p99_ms"] = Probe.P99, ["hollow.probe.max_ms"] = Probe.Max,
        ["hollow.probe.count"] = Probe.Count, ["hollow.probe.errors"] = ProbeErrors,
        ["hollow.server.requests"] = ServerRequests, ["hollow.server.p50_ms_bucket"] = ServerP50Ms, ["hollow.server.p99_ms_bucket"] = ServerP99Ms,
        ["hollow.droverd_cpu_s"] = DroverdCpuSeconds, ["hollow.bench_cpu_s"] = BenchCpuSeconds,
        ["hollow.rss.idle"] = IdleRss, ["hollow.rss.end"] = EndRss, ["hollow.hwm.end"] = EndHwm,
        ["hollow.rss.settled"] = SettledRss, ["hollow.hwm.settled"] = SettledHwm,
        ["hollow.status_writes"] = StatusWrites, ["hollow.status_conflicts"] = StatusConflicts,
        ["hollow.lease_renewals"] = LeaseRenewals, ["hollow.node_errors"] = NodeErrors, ["hollow.watch_events"] = WatchEvents,
    };
}
