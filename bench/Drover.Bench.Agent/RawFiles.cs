using System.Globalization;
using System.Text;
using System.Text.Json;
using Drover.Testing;

namespace Drover.Bench.Agent;

/// <summary>The raw samples behind the tables, one pod per line, beside agent-results.md.</summary>
internal static class RawFiles
{
    public static Task WriteFloorAsync(string path, FloorSample? warmUp, IEnumerable<FloorSample> samples, CancellationToken ct)
    {
        var text = new StringBuilder("# ms from the start of RunPodSandbox; the warm-up pod is not counted; start_utc lines up with the daemons' logs\nname\tstart_utc\tip\tsandbox_ms\tcreated_ms\tstarted_ms\thttp_ok_ms\n");
        foreach (var s in (warmUp is null ? [] : new[] { warmUp }).Concat(samples))
            text.AppendLine(CultureInfo.InvariantCulture, $"{s.Name}\t{s.StartUtc:HH:mm:ss.fff}\t{s.Ip}\t{s.SandboxMs:0.0}\t{s.CreatedMs:0.0}\t{s.StartedMs:0.0}\t{s.HttpOkMs:0.0}");
        return File.WriteAllTextAsync(path, text.ToString(), ct);
    }

    public static Task WriteBindAsync(string path, IEnumerable<BindSample> samples, CancellationToken ct)
    {
        var text = new StringBuilder("# ms from just before the create was sent; start_utc lines up with the daemons' logs\nname\tstart_utc\tuid\tip\tcreate_ack_ms\tip_seen_ms\thttp_ok_ms\tready_ms\n");
        foreach (var s in samples)
            text.AppendLine(CultureInfo.InvariantCulture, $"{s.Name}\t{s.StartUtc:HH:mm:ss.fff}\t{s.Uid}\t{s.Ip}\t{s.CreateAckMs:0.0}\t{s.IpSeenMs:0.0}\t{s.HttpOkMs:0.0}\t{s.ReadyMs:0.0}");
        return File.WriteAllTextAsync(path, text.ToString(), ct);
    }

    /// <summary>Every figure under a flat name, for comparing runs with a script.</summary>
    public static Task WriteJsonAsync(string path, RunResults r, CancellationToken ct)
    {
        var figures = new SortedDictionary<string, double>(StringComparer.Ordinal)
        {
            ["binary_bytes"] = r.BinaryBytes,
            ["node_ready_ms"] = r.NodeReadyMs,
        };
        void Memory(string prefix, MemorySample? m)
        {
            if (m is null)
                return;
            figures[prefix + ".vmrss_bytes"] = m.VmRss;
            figures[prefix + ".vmhwm_bytes"] = m.VmHwm;
            figures[prefix + ".rss_anon_bytes"] = m.RssAnon;
            figures[prefix + ".rss_file_bytes"] = m.RssFile;
            figures[prefix + ".pss_bytes"] = m.Pss;
            figures[prefix + ".threads"] = m.Threads;
        }
        void Cpu(string prefix, CpuWindow? w)
        {
            if (w is null)
                return;
            figures[prefix + ".wall_s"] = w.WallSeconds;
            figures[prefix + ".cpu_s"] = w.CpuSeconds;
            figures[prefix + ".percent_of_core"] = w.PercentOfCore;
        }
        void Latency(string prefix, IReadOnlyCollection<double> ms)
        {
            var p = Percentiles.Of(ms);
            figures[prefix + ".count"] = p.Count;
            figures[prefix + ".min_ms"] = p.Min;
            figures[prefix + ".p50_ms"] = p.P50;
            figures[prefix + ".p90_ms"] = p.P90;
            figures[prefix + ".p99_ms"] = p.P99;
            figures[prefix + ".max_ms"] = p.Max;
            figures[prefix + ".mean_ms"] = p.Mean;
        }
        Memory("memory.0pods", r.MemoryIdle);
        Memory("memory.with_pods", r.MemoryWithPods);
        Cpu("cpu.0pods", r.CpuIdle);
        Cpu("cpu.with_pods", r.CpuWithPods);
        Latency("floor.http_ok", [.. r.Floor.Select(s => s.HttpOkMs)]);
        Latency("bind.http_ok", [.. r.Bind.Select(s => s.HttpOkMs)]);
        Latency("bind.ready", [.. r.Bind.Select(s => s.ReadyMs)]);
        figures["pods_running"] = r.PodsRunning;
        figures["agent.errors_logged"] = r.AgentErrors;
        figures["agent.warnings_logged"] = r.AgentWarnings;
        figures["agent.dead_readiness_loops"] = r.DeadReadinessLoops;
        figures["agent.dead_readiness_loops_before_cpu_window"] = r.DeadReadinessLoopsInWindow;
        // JSON has no NaN: a figure the run did not get is left out.
        var measured = figures.Where(f => double.IsFinite(f.Value)).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
        return File.WriteAllTextAsync(path, JsonSerializer.Serialize(new SortedDictionary<string, double>(measured, StringComparer.Ordinal), new JsonSerializerOptions { WriteIndented = true }), ct);
    }
}
