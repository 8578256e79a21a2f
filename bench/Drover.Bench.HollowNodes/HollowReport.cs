using System.Globalization;
using System.Text;
using Drover.Bench.ApiServer;

namespace Drover.Bench.HollowNodes;

/// <summary>The markdown for docs/BENCHMARKS.md: Drover's figures with the targets and the anchors beside them.</summary>
internal static class HollowReport
{
    private const double MiB = 1024 * 1024;

    public static string Markdown(HollowResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        string S(double seconds) => double.IsNaN(seconds) ? "not reached" : seconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";
        string N(double value) => value.ToString("N0", CultureInfo.InvariantCulture);
        string M(long bytes) => (bytes / MiB).ToString("0", CultureInfo.InvariantCulture);
        string Ms(double ms) => double.IsInfinity(ms) ? "> 5,000" : ms.ToString(ms >= 10 ? "0" : "0.0", CultureInfo.InvariantCulture);
        string Met(bool ok) => ok ? "met" : "**missed**";

        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"### Whole control plane: {N(r.Pods)} pods on {N(r.Nodes)} hollow nodes ({r.Workload}; store: {r.Store})");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Load average at the start {r.LoadAtStart}, at the end {r.LoadAtEnd}. " +
            $"Fleet up (join, register, Ready, Lease) in {S(r.FleetUpSeconds)}; times below run from the Deployments' creation.");
        md.AppendLine();
        md.AppendLine("| Figure | Drover | Target | Anchors |");
        md.AppendLine("|---|---:|---:|---|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| First pod bound | {S(r.FirstBoundSeconds)} | | |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| All {N(r.Pods)} pods bound | {S(r.AllBoundSeconds)} | | |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| **Pods bound per second, end to end** | **{N(r.BoundPerSecond)}** | ≥ 3,750 ({Met(r.BoundPerSecond >= 3750)}) | Kubernetes scheduler-throughput threshold (ClusterLoader2): 100 pods/s; Nomad C1M: 3,750 containers/s |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| All pods Running and Ready (status from the hollow nodes) | {S(r.AllRunningSeconds)} ({N(r.Pods / r.AllRunningSeconds)} pods/s) | | |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| All Deployments availableReplicas = replicas | {S(r.AllAvailableSeconds)} | | |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| API probe meanwhile, {r.ProbeRate}/s GET + LIST of small objects: p50 / p99 / max ms | {Ms(r.Probe.P50)} / {Ms(r.Probe.P99)} / {Ms(r.Probe.Max)} ({r.Probe.Count} requests, {r.ProbeErrors} errors) | | Kubernetes SLO: p99 ≤ 1 s for GET/LIST of one object |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| droverd's own request latency, every request in the window: p50 / p99 ms (histogram bucket bound) | ≤ {Ms(r.ServerP50Ms)} / ≤ {Ms(r.ServerP99Ms)} ({N(r.ServerRequests)} requests) | | |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| droverd RSS at the end: VmRSS / VmHWM MiB | {M(r.EndRss)} / {M(r.EndHwm)} | ≤ 300 MB ({Met(r.EndHwm <= 300_000_000)}) | |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| ↳ 10 s later, Leases still renewing | {M(r.SettledRss)} / {M(r.SettledHwm)} | | |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| ↳ with the nodes only, before the workload | {M(r.IdleRss)} | | |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| CPU seconds from creation to all available: droverd / bench (hollow nodes, watch, probe) | {r.DroverdCpuSeconds:0.0} / {r.BenchCpuSeconds:0.0} | | |");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Hollow nodes wrote {N(r.StatusWrites)} pod statuses ({N(r.StatusConflicts)} retried after a 409) and renewed Leases {N(r.LeaseRenewals)} times; " +
            $"{N(r.NodeErrors)} errors{(r.FirstNodeErrors.Count > 0 ? " (first: " + string.Join(" | ", r.FirstNodeErrors) + ")" : "")}. The shared watch carried {N(r.WatchEvents)} events.");
        md.AppendLine();
        return md.ToString();
    }
}
