using System.Globalization;
using System.Text;
using Drover.Agent.Cri;
using Drover.Agent.Pods;
using Drover.Api;
using Drover.Api.Client;
using Drover.Testing;

namespace Drover.Agent.Systemd.Tests;

/// <summary>
/// One edge node under a simulated systemd: a real droverd (cluster CIDR 10.88.19.0/24, so node "sysd-19"
/// gets its bridge's podCIDR), a real private containerd (node INDEX 19, bridge drover19), a real
/// dbus-daemon on a private bus with the logind/systemd test peer on it, and the drover-agent process that
/// each test starts (on the same data directory: later starts resume with the stored credential).
/// </summary>
public sealed class SystemdNodeFixture : IAsyncLifetime
{
    /// <summary>Apart from every other agent test's containerd (5, 6, 7, 9…).</summary>
    public const int NodeIndex = 19;
    public const string NodeName = "sysd-19";

    private readonly List<(string Name, string Uid)> _pods = [];
    private DroverdProcess? _droverd;
    private CriClient? _cri;
    private PrivateDBus? _bus;
    private LogindSystemdPeer? _peer;

    public string ContainerdDirectory { get; } = Path.Combine(Path.GetTempPath(), $"drover-systemd-node-tests-{Environment.ProcessId}");

    public string AgentDataDirectory { get; } = Path.Combine(Path.GetTempPath(), $"drover-systemd-node-agent-{Environment.ProcessId}");

    public string SocketPath => Path.Combine(ContainerdDirectory, "containerd.sock");

    public string CniConfDirectory => Path.Combine(ContainerdDirectory, "cni", "conf");

    public DroverdProcess Droverd => _droverd ?? throw new InvalidOperationException("droverd was not started");

    internal CriClient Cri => _cri ?? throw new InvalidOperationException("containerd was not started");

    internal PrivateDBus Bus => _bus ?? throw new InvalidOperationException("dbus-daemon was not started");

    internal LogindSystemdPeer Peer => _peer ?? throw new InvalidOperationException("the test peer was not started");

    public async Task InitializeAsync()
    {
        var (exitCode, output) = await PrivateContainerdScript.RunAsync("start", ContainerdDirectory, NodeIndex.ToString(CultureInfo.InvariantCulture));
        if (exitCode != 0)
        {
            await PrivateContainerdScript.RunAsync("stop", ContainerdDirectory);
            throw new InvalidOperationException($"run-private.sh start failed (exit {exitCode}):\n{output}");
        }

        _cri = new CriClient(new CriClientOptions { SocketPath = SocketPath });
        _droverd = await DroverdProcess.StartAsync(null, "--cluster-cidr", $"10.88.{NodeIndex}.0/24", "--node-cidr-mask-size", "24");
        _bus = await PrivateDBus.StartAsync();
        _peer = await LogindSystemdPeer.StartAsync(_bus.Address);
    }

    /// <summary>Starts the agent with <paramref name="dbusAddress"/> and extra environment (NOTIFY_SOCKET, WATCHDOG_USEC).</summary>
    internal AgentProcess StartAgent(StringBuilder log, string dbusAddress, IReadOnlyDictionary<string, string>? environment = null)
    {
        var token = File.ReadAllText(Path.Combine(Droverd.DataDirectory, "credentials", "join-token")).Trim();
        return AgentProcess.Start(
        [
            "--server", $"https://127.0.0.1:{Droverd.Port}", "--token", token, "--node-name", NodeName,
            "--data-dir", AgentDataDirectory, "--containerd-socket", SocketPath, "--cni-conf-dir", CniConfDirectory,
            "--cni-bridge", $"drover{NodeIndex}", "--cni-ip-masq", "false", "--service-proxy", "false", "--cluster-dns", "off", "--metrics-addr", "off", "--lease-interval", "1s",
            "--serving-addr", "127.0.0.1:0", "--resource-metrics-interval", "0s", "--dbus-address", dbusAddress,
        ], log, environment);
    }

    /// <summary>A pod bound to this node whose container is busybox httpd (my-app), with a preStop sleep to show the grace period at work.</summary>
    public static Pod SleepyPod(string name, long graceSeconds, long preStopSleepSeconds) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new ObjectMeta { Name = name, Namespace = "default" },
        Spec = new PodSpec
        {
            NodeName = NodeName,
            TerminationGracePeriodSeconds = graceSeconds,
            Containers =
            [
                new Container
                {
                    Name = "app",
                    Image = "my-app:v1.0",
                    Lifecycle = new Lifecycle { PreStop = new LifecycleHandler { Sleep = new SleepAction { Seconds = preStopSleepSeconds } } },
                },
            ],
        },
    };

    public void Track(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        lock (_pods)
            _pods.Add((pod.Metadata.Name!, pod.Metadata.Uid!));
    }

    public async Task<Api.Node> WaitForNodeAsync(Func<Api.Node, bool> condition, string what, Func<string> log, TimeSpan? timeout = null)
    {
        using var api = Droverd.Client();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        Api.Node? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await api.TryGetAsync(ResourceTypes.Nodes, null, NodeName);
            if (last is not null && condition(last))
                return last;
            await Task.Delay(200);
        }
        throw new TimeoutException($"node {NodeName} never became {what}; last: {(last is null ? "none" : Encoding.UTF8.GetString(ResourceTypes.Nodes.SerializeToUtf8Bytes(last)))}\nagent log:\n{log()}");
    }

    /// <summary>Deletes what the tests created and waits until the agent has finished them; quiet, for clean-up.</summary>
    public async Task DeletePodsQuietlyAsync()
    {
        using var api = Droverd.Client();
        foreach (var (name, _) in _pods.ToList())
        {
            try
            {
                await api.DeleteAsync(ResourceTypes.Pods, "default", name, gracePeriodSeconds: 0);
            }
            catch (ApiClientException)
            {
            }
        }
    }

    public async Task DisposeAsync()
    {
        _peer?.Dispose();
        _bus?.Dispose();
        _cri?.Dispose();
        if (_droverd is not null)
            await _droverd.DisposeAsync();
        var (exitCode, output) = await PrivateContainerdScript.RunAsync("stop", ContainerdDirectory);
        if (Directory.Exists(ContainerdDirectory))
            Directory.Delete(ContainerdDirectory, recursive: true);
        if (Directory.Exists(AgentDataDirectory))
            Directory.Delete(AgentDataDirectory, recursive: true);
        foreach (var (name, uid) in _pods)
        {
            PodCleanup.RemoveCgroups("/sys/fs/cgroup", $"/drover/pod{uid}");
            PodCleanup.RemoveDirectory(Path.Combine("/var/log/pods", $"default_{name}_{uid}"));
        }
        if (exitCode != 0)
            throw new InvalidOperationException($"run-private.sh stop failed (exit {exitCode}):\n{output}");
    }
}

[CollectionDefinition(Name)]
public sealed class SystemdNodeCollection : ICollectionFixture<SystemdNodeFixture>
{
    public const string Name = "systemd node (droverd + containerd 19 + private dbus-daemon + drover-agent)";
}
