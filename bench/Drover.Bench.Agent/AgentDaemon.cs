using System.Diagnostics;
using System.Globalization;
using System.Net;
using Drover.Api;
using Drover.Api.Client;

namespace Drover.Bench.Agent;

/// <summary>
/// The published drover-agent (AOT) joined to <see cref="Droverd"/> and running its pods on the private containerd of
/// node INDEX, with production defaults for everything the figures depend on (lease every 10 s, status every 60 s,
/// logging at Information); only the CNI flags differ, as in the agent's process-level test.
/// </summary>
internal sealed class AgentDaemon : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private readonly Func<int> _errors;
    private readonly Func<int> _warnings;
    private readonly Func<int> _deadReadinessLoops;

    private AgentDaemon(ChildProcess process, string nodeName, IPEndPoint metrics, double startToReadyMs)
    {
        _process = process;
        // Counted from the log because the agent has no metric for them; the figures with pods depend on these loops.
        // Counting starts once the node is Ready, before the first measured phase.
        _errors = process.CountLines(" fail: ");
        _warnings = process.CountLines(" warn: ");
        _deadReadinessLoops = process.CountLines("The Readiness probe loop of container");
        NodeName = nodeName;
        Metrics = metrics;
        StartToReadyMs = startToReadyMs;
    }

    public string NodeName { get; }
    public int Pid => _process.Pid;
    public IPEndPoint Metrics { get; }

    /// <summary>Lines the agent logged at Error ("fail:") and Warning level since its node was Ready.</summary>
    public int Errors => _errors();
    public int Warnings => _warnings();

    /// <summary>Readiness probe loops that ended with an exception: their containers are no longer probed.</summary>
    public int DeadReadinessLoops => _deadReadinessLoops();

    /// <summary>From starting the process to droverd reporting the node Ready=True.</summary>
    public double StartToReadyMs { get; }

    public static async Task<AgentDaemon> StartAsync(string binary, Droverd droverd, string containerdDirectory, int nodeIndex,
        string workDirectory, string outputDirectory, string? resourceMetricsInterval, CancellationToken ct)
    {
        var nodeName = $"bench-node-{nodeIndex.ToString(CultureInfo.InvariantCulture)}";
        var metrics = new IPEndPoint(IPAddress.Loopback, Ports.FreeLoopback());
        var start = Stopwatch.GetTimestamp();
        var process = ChildProcess.Start("drover-agent", binary,
        [
            "--server", droverd.Server.ToString(), "--token", droverd.JoinToken, "--node-name", nodeName,
            "--data-dir", Path.Combine(workDirectory, "agent"),
            "--containerd-socket", Path.Combine(containerdDirectory, "containerd.sock"),
            "--cni-conf-dir", Path.Combine(containerdDirectory, "cni", "conf"),
            "--cni-bridge", $"drover{nodeIndex.ToString(CultureInfo.InvariantCulture)}", "--cni-ip-masq", "false",
            "--metrics-addr", metrics.ToString(),
            .. (resourceMetricsInterval is null ? Array.Empty<string>() : ["--resource-metrics-interval", resourceMetricsInterval]),
        ], Path.Combine(outputDirectory, "drover-agent.log"), Path.Combine(workDirectory, "agent.pid"));
        try
        {
            var deadline = start + 60 * Stopwatch.Frequency;
            while (!await IsReadyAsync(droverd.Client, nodeName, ct).ConfigureAwait(false))
            {
                if (process.HasExited)
                    throw new InvalidOperationException("drover-agent exited during start-up (see drover-agent.log)");
                if (Stopwatch.GetTimestamp() > deadline)
                    throw new TimeoutException($"node {nodeName} was not Ready 60 s after the agent started (see drover-agent.log)");
                await Task.Delay(100, ct).ConfigureAwait(false);
            }
            return new AgentDaemon(process, nodeName, metrics, (Stopwatch.GetTimestamp() - start) * 1000.0 / Stopwatch.Frequency);
        }
        catch
        {
            await process.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<bool> IsReadyAsync(DroverClient api, string nodeName, CancellationToken ct) =>
        await api.TryGetAsync(ResourceTypes.Nodes, null, nodeName, ct).ConfigureAwait(false) is Node node
        && node.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    /// <summary>The agent's /metrics, scraped outside the CPU windows (a scrape is work for the agent).</summary>
    public async Task<string> ScrapeMetricsAsync(CancellationToken ct)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
        return await http.GetStringAsync(new Uri($"http://{Metrics}/metrics"), ct).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
