using System.Globalization;

namespace Drover.Bench.Agent;

/// <summary>The driver's command line; bench/agent.sh fills it in.</summary>
internal sealed record BenchOptions
{
    public required string Droverd { get; init; }
    public required string Agent { get; init; }

    /// <summary>The private containerd's directory, already started by bench/agent.sh with run-private.sh start DIR INDEX.</summary>
    public required string ContainerdDirectory { get; init; }

    /// <summary>Scratch space (droverd's and the agent's data, PID files) that bench/agent.sh removes afterwards.</summary>
    public required string WorkDirectory { get; init; }

    public required string OutputDirectory { get; init; }
    public int NodeIndex { get; init; } = 3;
    public int Pods { get; init; } = 20;
    public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(20);
    public TimeSpan CpuWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The agent's --resource-metrics-interval (usage reports to droverd); null: the agent's default, 15 s.</summary>
    public string? ResourceMetricsInterval { get; init; }

    public const string Usage =
        "usage: Drover.Bench.Agent --droverd PATH --agent PATH --containerd-dir DIR --work DIR --out DIR " +
        "[--node-index 3] [--pods 20] [--settle-seconds 20] [--cpu-seconds 60] [--resource-metrics-interval 15s|0s]";

    /// <summary>Returns null and a reason when the arguments do not make a run.</summary>
    public static (BenchOptions? Options, string? Problem) Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length || !args[i].StartsWith("--", StringComparison.Ordinal))
                return (null, $"unexpected argument {args[i]}");
            values[args[i][2..]] = args[i + 1];
        }
        string? Take(string name) => values.Remove(name, out var value) ? value : null;
        int Number(string name, int fallback) =>
            Take(name) is { } text ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : -1 : fallback;

        var (droverd, agent, containerd, work, output) = (Take("droverd"), Take("agent"), Take("containerd-dir"), Take("work"), Take("out"));
        var metricsInterval = Take("resource-metrics-interval");
        var (index, pods, settle, cpu) = (Number("node-index", 3), Number("pods", 20), Number("settle-seconds", 20), Number("cpu-seconds", 60));
        if (values.Count > 0)
            return (null, $"unknown option --{values.Keys.First()}");
        if (droverd is null || agent is null || containerd is null || work is null || output is null)
            return (null, "--droverd, --agent, --containerd-dir, --work and --out are required");
        if (index is < 0 or > 255 || pods < 0 || settle < 0 || cpu < 0)
            return (null, "--node-index, --pods, --settle-seconds and --cpu-seconds take positive whole numbers (index ≤ 255)");
        if (!File.Exists(droverd) || !File.Exists(agent))
            return (null, $"{droverd} or {agent} does not exist: run ./build.sh publish");
        return (new BenchOptions
        {
            Droverd = Path.GetFullPath(droverd),
            Agent = Path.GetFullPath(agent),
            ContainerdDirectory = Path.GetFullPath(containerd),
            WorkDirectory = Path.GetFullPath(work),
            OutputDirectory = Path.GetFullPath(output),
            NodeIndex = index,
            Pods = pods,
            Settle = TimeSpan.FromSeconds(settle),
            CpuWindow = TimeSpan.FromSeconds(cpu),
            ResourceMetricsInterval = metricsInterval,
        }, null);
    }
}
