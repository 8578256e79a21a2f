using System.Globalization;
using Drover.Testing;

namespace Drover.Bench.Chaos;

/// <summary>
/// The cluster under test: droverd, three nodes (private containerd + agent each) and drover-ingress, with the seed app
/// behind the ingress. It plays systemd's part too: a daemon the soak killed is started again after
/// <see cref="RestartDelay"/> (RestartSec of packaging/systemd), and a daemon that exits on its own is noticed by
/// <see cref="SuperviseAsync"/>, reported, and started again the same way.
/// </summary>
internal sealed class ChaosCluster : IAsyncDisposable
{
    /// <summary>RestartSec=2s of drover-server, drover-agent and drover-ingress.service.</summary>
    public static readonly TimeSpan RestartDelay = TimeSpan.FromSeconds(2);

    public const string Host = "app.chaos.example";

    // Held by a fault while it kills and restarts a daemon, and by the supervisor while it checks: a daemon the soak
    // is restarting is not an unexpected exit.
    private readonly SemaphoreSlim _faulting = new(1, 1);
    private readonly List<string> _unexpected = [];

    private ChaosCluster(TestCluster cluster, IngressProcess ingress)
    {
        Cluster = cluster;
        Ingress = ingress;
    }

    public TestCluster Cluster { get; }

    public IngressProcess Ingress { get; }

    public DroverdProcess Droverd => Cluster.Droverd;

    /// <summary>Daemons that exited without the soak killing them, with when and how.</summary>
    public IReadOnlyList<string> UnexpectedExits
    {
        get
        {
            lock (_unexpected)
                return [.. _unexpected];
        }
    }

    public static async Task<ChaosCluster> StartAsync(DroverBinaries binaries, IReadOnlyList<int> nodes, string? work)
    {
        var cluster = await TestCluster.StartAsync(new TestClusterOptions
        {
            NodeIndexes = nodes,
            Binaries = binaries,
            WorkDirectory = work,
            AgentArgs = TestCluster.ZeroDowntimeAgentArgs,
        }).ConfigureAwait(false);
        try
        {
            var ingress = await IngressProcess.StartAsync(binaries, cluster.Droverd.IngressConfigPath).ConfigureAwait(false);
            var chaos = new ChaosCluster(cluster, ingress);
            var applied = await cluster.CliAsync("apply", "-f", SeedManifests.WriteBehindIngress(Path.Combine(cluster.WorkDirectory, "manifests"), Host)).ConfigureAwait(false);
            if (applied.ExitCode != 0)
                throw new InvalidOperationException("drover apply failed:\n" + applied);
            return chaos;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Every daemon by name with its current process id (null while it is down), for the RSS recorder.</summary>
    public IReadOnlyList<(string Name, Func<int?> Pid)> Daemons()
    {
        var daemons = new List<(string, Func<int?>)>
        {
            ("droverd", () => Droverd.HasExited ? null : Droverd.Id),
            ("drover-ingress", () => Ingress.HasExited ? null : Ingress.Id),
        };
        foreach (var node in Cluster.Nodes)
        {
            daemons.Add(($"drover-agent {node.Name}", () => node.Agent is { HasExited: false } agent ? agent.Id : null));
            daemons.Add(($"containerd {node.Name}", () => ContainerdPid(node)));
        }
        return daemons;
    }

    /// <summary>Runs <paramref name="fault"/> with the supervisor held off.</summary>
    public async Task<T> FaultAsync<T>(Func<Task<T>> fault)
    {
        await _faulting.WaitAsync().ConfigureAwait(false);
        try
        {
            return await fault().ConfigureAwait(false);
        }
        finally
        {
            _faulting.Release();
        }
    }

    public static int? ContainerdPid(ClusterNode node)
    {
        var file = Path.Combine(node.ContainerdDirectory, "containerd.pid");
        try
        {
            var pid = int.Parse(File.ReadAllText(file).Trim(), CultureInfo.InvariantCulture);
            return Directory.Exists($"/proc/{pid}") ? pid : null;
        }
        catch (Exception e) when (e is IOException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Checks every second that every daemon runs; one that exited on its own is reported and started again.</summary>
    public async Task SuperviseAsync(Func<TimeSpan> clock, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(1000, ct).ConfigureAwait(false);
                await _faulting.WaitAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                await RestartExitedAsync(clock).ConfigureAwait(false);
            }
            finally
            {
                _faulting.Release();
            }
        }
    }

    private async Task RestartExitedAsync(Func<TimeSpan> clock)
    {
        if (Droverd.HasExited)
        {
            Report(clock, "droverd", Tail(Droverd.Output));
            await Task.Delay(RestartDelay).ConfigureAwait(false);
            await Droverd.StartAgainAsync().ConfigureAwait(false);
        }
        if (Ingress.HasExited)
        {
            Report(clock, "drover-ingress", Tail(Ingress.Output));
            await Task.Delay(RestartDelay).ConfigureAwait(false);
            await Ingress.StartAgainAsync().ConfigureAwait(false);
        }
        foreach (var node in Cluster.Nodes)
        {
            if (node.Agent is { HasExited: true })
            {
                Report(clock, $"drover-agent {node.Name}", Tail(node.Log));
                await Task.Delay(RestartDelay).ConfigureAwait(false);
                Cluster.StartAgentAgain(node);
            }
            if (ContainerdPid(node) is null)
            {
                Report(clock, $"containerd {node.Name}", "");
                await StartContainerdAsync(node).ConfigureAwait(false);
            }
        }
    }

    public static async Task StartContainerdAsync(ClusterNode node)
    {
        var (code, output) = await PrivateContainerdScript.RunAsync("start-daemon", node.ContainerdDirectory).ConfigureAwait(false);
        if (code != 0)
            throw new InvalidOperationException($"run-private.sh start-daemon {node.ContainerdDirectory} failed (exit {code}):\n{output}");
    }

    private void Report(Func<TimeSpan> clock, string daemon, string tail)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"+{clock().TotalSeconds:0.0} s {daemon} exited on its own");
        Console.Error.WriteLine($"!! {line}\n{tail}");
        lock (_unexpected)
            _unexpected.Add(line);
    }

    private static string Tail(string text) => string.Join('\n', text.Split('\n').TakeLast(30));

    public async ValueTask DisposeAsync()
    {
        await Ingress.DisposeAsync().ConfigureAwait(false);
        await Cluster.DisposeAsync().ConfigureAwait(false);
        _faulting.Dispose();
    }
}
