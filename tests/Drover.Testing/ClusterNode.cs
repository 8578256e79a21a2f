using System.Globalization;
using System.Text;

namespace Drover.Testing;

/// <summary>
/// One simulated edge node of a <see cref="TestCluster"/>: its own private containerd (run-private.sh node
/// INDEX: socket, root and state under <see cref="ContainerdDirectory"/>, bridge drover INDEX, CNI conf dir),
/// its own agent data dir, podCIDR 10.88.INDEX.0/24 and a real drover-agent process. Several of them share
/// one host without sharing anything but the kernel.
/// </summary>
public sealed class ClusterNode
{
    private readonly StringBuilder _log = new();

    internal ClusterNode(int index, string workDirectory)
    {
        if (index is < 0 or > 255)
            throw new ArgumentOutOfRangeException(nameof(index), index, "a node index is 0..255 (it names the bridge and the podCIDR)");
        Index = index;
        ContainerdDirectory = Path.Combine(workDirectory, $"node-{index}", "containerd");
        AgentDataDirectory = Path.Combine(workDirectory, $"node-{index}", "agent");
    }

    public int Index { get; }

    public string Name => "node-" + Index.ToString(CultureInfo.InvariantCulture);

    public string Bridge => "drover" + Index.ToString(CultureInfo.InvariantCulture);

    /// <summary>The same range run-private.sh gives the bridge, so the conflist the agent writes changes nothing.</summary>
    public string PodCidr => $"10.88.{Index.ToString(CultureInfo.InvariantCulture)}.0/24";

    public string ContainerdDirectory { get; }

    public string AgentDataDirectory { get; }

    public string SocketPath => Path.Combine(ContainerdDirectory, "containerd.sock");

    /// <summary>containerd's CNI conf_dir (run-private.sh's); the agent writes its conflist there.</summary>
    public string CniConfDirectory => Path.Combine(ContainerdDirectory, "cni", "conf");

    /// <summary>The running agent, or null while the node is down.</summary>
    public AgentProcess? Agent { get; private set; }

    /// <summary>Everything every agent process of this node wrote, across restarts.</summary>
    public string Log
    {
        get
        {
            lock (_log)
                return _log.ToString();
        }
    }

    internal async Task StartContainerdAsync()
    {
        var (code, output) = await PrivateContainerdScript.RunAsync("start", ContainerdDirectory, Index.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
        if (code != 0)
        {
            throw new InvalidOperationException(
                $"run-private.sh start {ContainerdDirectory} {Index} failed (exit {code}); a cluster test needs root, containerd, runc and the CNI plugins (./build.sh deps):\n{output}");
        }
    }

    /// <summary>The loopback port of the agent's /metrics, or null when the cluster runs its agents without (the default).</summary>
    public int? MetricsPort { get; private set; }

    /// <summary>
    /// Starts drover-agent. Every address a second agent on this host would also take is set apart: the log
    /// server on a free loopback port, /metrics off (or on a free loopback port when <paramref name="metrics"/>),
    /// the bridge and CNI conf dir of this node.
    /// </summary>
    internal void StartAgent(DroverdProcess droverd, string joinToken, DroverBinaries binaries, IEnumerable<string> extraArgs, bool metrics = false) =>
        StartAgent($"https://127.0.0.1:{droverd.Port.ToString(CultureInfo.InvariantCulture)}", joinToken, binaries, extraArgs, metrics);

    /// <summary>As above, against <paramref name="servers"/> (one URL, or several droverd replicas comma-separated).</summary>
    internal void StartAgent(string servers, string joinToken, DroverBinaries binaries, IEnumerable<string> extraArgs, bool metrics = false)
    {
        // The agent takes no port 0 for /metrics; a port free a moment ago is as close as a test gets.
        MetricsPort = metrics ? FreePorts.Next() : null;
        if (Agent is { HasExited: false })
            throw new InvalidOperationException($"the agent of {Name} is already running");
        lock (_log)
            _log.AppendLine(CultureInfo.InvariantCulture, $"---- agent of {Name} starting at {DateTime.UtcNow:O}");
        Agent = AgentProcess.Start(
        [
            "--server", servers, "--token", joinToken,
            "--node-name", Name, "--node-ip", "127.0.0.1", "--data-dir", AgentDataDirectory,
            "--containerd-socket", SocketPath, "--cni-conf-dir", CniConfDirectory, "--cni-bridge", Bridge, "--cni-ip-masq", "false", "--service-proxy", "false", "--cluster-dns", "off",
            "--metrics-addr", MetricsPort is { } port ? "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture) : "off", "--serving-addr", "127.0.0.1:0",
            .. extraArgs,
        ], _log, binaries);
    }

    /// <summary>
    /// The node loses power: the agent is SIGKILLed, then containerd, every shim and every container
    /// (run-private.sh reboot; the pods' netns and the bridge go with them). reboot brings containerd back on
    /// its disk at once, but with the agent dead the node stays silent to droverd until <see cref="StartAgent"/>.
    /// </summary>
    internal async Task PowerCutAsync()
    {
        if (Agent is not null)
            await Agent.KillAsync().ConfigureAwait(false);
        var (code, output) = await PrivateContainerdScript.RunAsync("reboot", ContainerdDirectory).ConfigureAwait(false);
        if (code != 0)
            throw new InvalidOperationException($"run-private.sh reboot {ContainerdDirectory} failed (exit {code}):\n{output}");
    }

    /// <summary>
    /// Stops the agent and everything of the node's containerd (tasks, sandboxes, netns, bridge, mounts,
    /// cgroups); returns the problems instead of throwing, so one node's failure does not stop the others'
    /// clean-up.
    /// </summary>
    internal async Task<string?> StopAsync()
    {
        var problems = new StringBuilder();
        if (Agent is not null)
        {
            try
            {
                await Agent.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                problems.AppendLine(CultureInfo.InvariantCulture, $"stopping the agent of {Name}: {e.Message}");
            }
        }

        // stop needs the daemon answering to find the containers; a test may have left it down.
        if ((await PrivateContainerdScript.RunAsync("status", ContainerdDirectory).ConfigureAwait(false)).ExitCode != 0
            && File.Exists(Path.Combine(ContainerdDirectory, "config.toml")))
        {
            await PrivateContainerdScript.RunAsync("start-daemon", ContainerdDirectory).ConfigureAwait(false);
        }

        var (code, output) = await PrivateContainerdScript.RunAsync("stop", ContainerdDirectory).ConfigureAwait(false);
        if (code != 0)
            problems.AppendLine(CultureInfo.InvariantCulture, $"run-private.sh stop {ContainerdDirectory} failed (exit {code}):\n{output}");
        return problems.Length == 0 ? null : problems.ToString();
    }
}
