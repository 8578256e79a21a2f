using System.Globalization;
using System.Text;
using Drover.Testing;

namespace Drover.Bench.Agent;

/// <summary>The markdown bench/agent.sh prints and keeps as agent-results.md (after its header with machine and command).</summary>
internal static class Report
{
    private const double MiB = 1024 * 1024;

    // Targets from issue 3, "Figures". Sizes are compared in MiB, as the control-plane section of docs/BENCHMARKS.md does.
    private const double BinaryTargetMiB = 15;
    private const double IdleRssTargetMiB = 20;
    private const double PodsRssTargetMiB = 30;
    private const double IdleCpuTargetPercent = 0.5;
    private const double FloorRatioTarget = 1.5;
    private const double P99TargetMs = 500;

    public static string Markdown(RunResults r, BenchOptions o)
    {
        var floor = Percentiles.Of([.. r.Floor.Select(s => s.HttpOkMs)]);
        var http = Percentiles.Of([.. r.Bind.Select(s => s.HttpOkMs)]);
        var ready = Percentiles.Of([.. r.Bind.Select(s => s.ReadyMs)]);
        var md = new StringBuilder();
        md.AppendLine("### Targets");
        md.AppendLine();
        md.AppendLine("| Figure | Measured | Target | |");
        md.AppendLine("|---|---:|---:|:-:|");
        md.AppendLine($"| drover-agent binary | {M(r.BinaryBytes)} MiB ({r.BinaryBytes:N0} bytes) | ≤ {BinaryTargetMiB} MiB | {V(r.BinaryBytes <= BinaryTargetMiB * MiB)} |");
        md.AppendLine($"| RSS idle, 0 pods (VmRSS; Pss) | {Mem(r.MemoryIdle)} | ≤ {IdleRssTargetMiB} MiB | {V(r.MemoryIdle?.VmRss <= IdleRssTargetMiB * MiB, r.MemoryIdle is null)} |");
        md.AppendLine($"| RSS with {o.Pods} pods (VmRSS; Pss) | {Mem(r.MemoryWithPods)} | ≤ {PodsRssTargetMiB} MiB | {V(r.MemoryWithPods?.VmRss <= PodsRssTargetMiB * MiB, r.MemoryWithPods is null)} |");
        md.AppendLine($"| Idle CPU over {o.CpuWindow.TotalSeconds:0} s, 0 pods | {Cpu(r.CpuIdle)} | ≤ {IdleCpuTargetPercent} % | {V(r.CpuIdle?.PercentOfCore <= IdleCpuTargetPercent, r.CpuIdle is null)} |");
        md.AppendLine($"| CPU over {o.CpuWindow.TotalSeconds:0} s with {r.PodsRunning} pods ({Alive(r)} of their readiness probes still running, period 1 s) | {Cpu(r.CpuWithPods)} | (none) | |");
        md.AppendLine($"| bind→Ready=True p50 / raw CRI floor p50 | {F(ready.P50)} / {F(floor.P50)} ms = **{Ratio(ready.P50, floor.P50)}** | ≤ {FloorRatioTarget}× | {V(ready.P50 <= FloorRatioTarget * floor.P50, ready.Count == 0 || floor.Count == 0)} |");
        md.AppendLine($"| bind→first HTTP 200 p50 / raw CRI floor p50 | {F(http.P50)} / {F(floor.P50)} ms = **{Ratio(http.P50, floor.P50)}** | ≤ {FloorRatioTarget}× | {V(http.P50 <= FloorRatioTarget * floor.P50, http.Count == 0 || floor.Count == 0)} |");
        md.AppendLine($"| bind→Ready=True p99 (max of {ready.Count}) | {F(ready.P99)} ms | ≤ {P99TargetMs} ms | {V(ready.P99 <= P99TargetMs, ready.Count == 0)} |");
        md.AppendLine();
        md.AppendLine($"### Latency: {o.Pods} sequential pods each, ms");
        md.AppendLine();
        md.AppendLine($"| Path | min | p50 | p90 | p99 (= max of {o.Pods}) | mean | p50 ÷ floor p50 |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        Row("**Raw CRI floor**: RunPodSandbox (CNI) + CreateContainer + StartContainer + first HTTP 200, no agent", r.Floor.Select(s => s.HttpOkMs));
        Row("↳ floor, RunPodSandbox + PodSandboxStatus returned", r.Floor.Select(s => s.SandboxMs));
        Row("↳ floor, + CreateContainer returned", r.Floor.Select(s => s.CreatedMs));
        Row("↳ floor, + StartContainer returned", r.Floor.Select(s => s.StartedMs));
        Row("**bind→Ready=True** as droverd's watch reports it", r.Bind.Select(s => s.ReadyMs));
        Row("**bind→first HTTP 200** from the pod IP", r.Bind.Select(s => s.HttpOkMs));
        Row("↳ bind→pod IP in droverd's watch", r.Bind.Select(s => s.IpSeenMs));
        Row("↳ create acknowledged by droverd", r.Bind.Select(s => s.CreateAckMs));
        md.AppendLine();
        md.AppendLine("Bind: a Pod created with `spec.nodeName` set (no scheduler in the path), `my-app:v1.0` (busybox httpd on :3000), " +
            "readiness probe `httpGet /health` with `initialDelaySeconds: 0`, `periodSeconds: 1`, no resources; time from just before the " +
            "create is sent. The first HTTP 200 is polled every 5 ms from the moment droverd's watch carries the pod IP, so it includes " +
            "the agent reporting the IP. Floor: the same image through the agent's own CRI client on the same containerd and CNI conflist, " +
            $"after one unmeasured warm-up pod{(r.FloorWarmUp is { } w ? $" ({F(w.HttpOkMs)} ms)" : "")}; each floor pod is removed before the next. " +
            $"The bind pods stay running: pod *i* is measured with *i* − 1 others running. Percentiles are nearest-rank; with {o.Pods} samples p99 is the maximum.");
        md.AppendLine();
        md.AppendLine("### Memory and CPU of the drover-agent process");
        md.AppendLine();
        md.AppendLine("| Point | VmRSS MiB | Pss MiB | RssAnon MiB | RssFile MiB | VmHWM MiB | Threads |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        MemRow($"0 pods, {o.Settle.TotalSeconds:0} s after the node was Ready", r.MemoryIdle);
        MemRow($"{r.PodsRunning} pods running, {o.Settle.TotalSeconds:0} s after the last was Ready", r.MemoryWithPods);
        md.AppendLine();
        md.AppendLine("| Window | CPU s (utime+stime) | Wall s | % of one core | Load (1 min) start → end |");
        md.AppendLine("|---|---:|---:|---:|---|");
        CpuRow("0 pods, right after the memory reading", r.CpuIdle, r.LoadDuringCpuIdle);
        CpuRow($"{r.PodsRunning} pods ({Alive(r)} readiness probes running), right after the memory reading", r.CpuWithPods, r.LoadDuringCpuWithPods);
        md.AppendLine();
        md.AppendLine($"The agent ran with production defaults (lease every 10 s, node status on change and every 60 s, Information logging, " +
            $"resource usage reported every {o.ResourceMetricsInterval ?? "15s"}{(o.ResourceMetricsInterval is "0s" or "0" ? " = off" : "")}). " +
            $"Its node was Ready {F(r.NodeReadyMs)} ms after the process started. CPU is read from /proc/PID/stat only (no API calls or " +
            "scrapes during a window; a tick is 10 ms, so the 0-pod figure has a resolution of ±0.02 % over 60 s).");
        md.AppendLine();
        md.AppendLine($"drover-agent logged {r.AgentErrors} errors and {r.AgentWarnings} warnings after its node was Ready (drover-agent.log); " +
            $"{r.DeadReadinessLoops} of the bind pods' readiness probe loops ended with an exception ({r.DeadReadinessLoopsInWindow} before the CPU window with pods began), " +
            "and those pods' readiness is no longer probed.");
        if (r.Problems.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("**Problems:**");
            foreach (var p in r.Problems)
                md.AppendLine($"- {p}");
        }
        md.AppendLine();
        md.AppendLine($"Load average at the end of the run: {File.ReadAllText("/proc/loadavg").Trim()}.");
        return md.ToString();

        void Row(string what, IEnumerable<double> samples)
        {
            var p = Percentiles.Of([.. samples]);
            md.AppendLine($"| {what} | {F(p.Min)} | {F(p.P50)} | {F(p.P90)} | {F(p.P99)} | {F(p.Mean)} | {Ratio(p.P50, floor.P50)} |");
        }

        void MemRow(string what, MemorySample? m)
        {
            if (m is null)
                md.AppendLine($"| {what} | n/a | | | | | |");
            else
                md.AppendLine($"| {what} | {M(m.VmRss)} | {M(m.Pss)} | {M(m.RssAnon)} | {M(m.RssFile)} | {M(m.VmHwm)} | {m.Threads} |");
        }

        void CpuRow(string what, CpuWindow? w, string? load)
        {
            if (w is null)
                md.AppendLine($"| {what} | n/a | | | |");
            else
                md.AppendLine($"| {what} | {w.CpuSeconds.ToString("0.00", CultureInfo.InvariantCulture)} | {w.WallSeconds.ToString("0.0", CultureInfo.InvariantCulture)} | {Pct(w.PercentOfCore)} | {load} |");
        }
    }

    private static string Alive(RunResults r) => r.CpuWithPods is null ? "n/a" : (r.PodsRunning - r.DeadReadinessLoopsInWindow).ToString(CultureInfo.InvariantCulture);

    private static string V(bool? met, bool missing = false) => missing || met is null ? "n/a" : met.Value ? "✔" : "✘";

    private static string F(double ms) => Percentiles.F(ms);

    private static string M(long bytes) => (bytes / MiB).ToString("0.0", CultureInfo.InvariantCulture);

    private static string Pct(double percent) => percent.ToString("0.00", CultureInfo.InvariantCulture) + " %";

    private static string Ratio(double value, double floor) =>
        double.IsNaN(value) || double.IsNaN(floor) || floor <= 0 ? "n/a" : (value / floor).ToString("0.00", CultureInfo.InvariantCulture) + "×";

    private static string Mem(MemorySample? m) => m is null ? "n/a" : $"{M(m.VmRss)} MiB; {M(m.Pss)} MiB";

    private static string Cpu(CpuWindow? w) => w is null ? "n/a" : $"{Pct(w.PercentOfCore)} ({w.CpuSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s)";
}
