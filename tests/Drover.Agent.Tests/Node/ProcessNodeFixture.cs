using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Drover.Agent.Cri;
using Drover.Agent.Pods;
using Drover.Api;
using Drover.Api.Client;
using Drover.Testing;
using CriV1 = Drover.Agent.Cri.V1;

namespace Drover.Agent.Node.Tests;

/// <summary>
/// One edge node for process-level tests that take the node's parts down on purpose (droverd stopped,
/// containerd restarted, a simulated reboot): a real droverd (cluster CIDR 10.88.9.0/24, so node "proc-9"
/// gets exactly the podCIDR of its bridge), a real private containerd (node INDEX 9, bridge drover9) and
/// the real drover-agent process, started by the tests on the fixture's data directory. Everything is
/// stopped and removed afterwards, whatever state a failed test left it in.
/// </summary>
public sealed class ProcessNodeFixture : IAsyncLifetime
{
    /// <summary>Apart from the pod-side tests (5), the node tests (6) and the CRI tests (7).</summary>
    public const int NodeIndex = 9;
    public const string NodeName = "proc-9";
    public static readonly string PodCidrPrefix = $"10.88.{NodeIndex}.";

    private readonly List<(string Name, string Uid)> _pods = [];
    private DroverdProcess? _droverd;
    private CriClient? _cri;

    public string ContainerdDirectory { get; } = Path.Combine(Path.GetTempPath(), $"drover-process-node-tests-{Environment.ProcessId}");

    public string AgentDataDirectory { get; } = Path.Combine(Path.GetTempPath(), $"drover-process-node-agent-{Environment.ProcessId}");

    public string SocketPath => Path.Combine(ContainerdDirectory, "containerd.sock");

    public string CniConfDirectory => Path.Combine(ContainerdDirectory, "cni", "conf");

    public string Bridge => $"drover{NodeIndex}";

    public int MetricsPort { get; } = FreePorts.Next();

    public Uri MetricsUrl => new($"http://127.0.0.1:{MetricsPort}/metrics");

    public DroverdProcess Droverd => _droverd ?? throw new InvalidOperationException("droverd was not started");

    internal CriClient Cri => _cri ?? throw new InvalidOperationException("containerd was not started");

    public async Task InitializeAsync()
    {
        var (exitCode, output) = await RunScriptAsync("start", ContainerdDirectory, NodeIndex.ToString(CultureInfo.InvariantCulture));
        if (exitCode != 0)
        {
            await RunScriptAsync("stop", ContainerdDirectory);
            throw new InvalidOperationException($"run-private.sh start failed (exit {exitCode}):\n{output}");
        }

        _cri = new CriClient(new CriClientOptions { SocketPath = SocketPath });
        _droverd = await DroverdProcess.StartAsync(null, "--cluster-cidr", $"10.88.{NodeIndex}.0/24", "--node-cidr-mask-size", "24");
    }

    /// <summary>
    /// Starts the agent (the join token is used only by the first start; later ones resume with the stored credential),
    /// with <paramref name="extra"/> flags after the fixture's own.
    /// </summary>
    public AgentProcess StartAgent(StringBuilder log, params string[] extra)
    {
        var token = File.ReadAllText(Path.Combine(Droverd.DataDirectory, "credentials", "join-token")).Trim();
        return AgentProcess.Start(
        [
            "--server", $"https://127.0.0.1:{Droverd.Port}", "--token", token, "--node-name", NodeName,
            "--data-dir", AgentDataDirectory, "--containerd-socket", SocketPath, "--cni-conf-dir", CniConfDirectory,
            "--cni-bridge", Bridge, "--cni-ip-masq", "false", "--service-proxy", "false", "--cluster-dns", "off", "--metrics-addr", $"127.0.0.1:{MetricsPort}", "--lease-interval", "1s",
            .. extra,
        ], log);
    }

    /// <summary>run-private.sh COMMAND on this node's containerd (stop-daemon, start-daemon, reboot…); throws with its output on failure.</summary>
    public async Task ContainerdAsync(string command)
    {
        var (exitCode, output) = await RunScriptAsync(command, ContainerdDirectory);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"run-private.sh {command} failed (exit {exitCode}):\n{output}");
        }
    }

    /// <summary>
    /// What a power cut does to the agent's side of the node (run-private.sh reboot does the runtime's): the tmpfs
    /// volumes it mounted under its data dir (secrets, memory emptyDirs) lose their contents. Call with the agent dead.
    /// </summary>
    internal void UnmountAgentVolumes()
    {
        foreach (var mount in Drover.Agent.Volumes.LinuxMounts.MountsUnder(AgentDataDirectory))
        {
            Drover.Agent.Volumes.LinuxMounts.Unmount(mount);
        }
    }

    /// <summary>The pod's running container in CRI (id, restart count) and its sandbox's IP; nulls while there is none.</summary>
    internal async Task<(string? ContainerId, int RestartCount, string? PodIp)> RunningAsync(string uid)
    {
        var sandboxes = await Cri.ListPodSandboxAsync(new CriV1.PodSandboxFilter { LabelSelector = { [PodLabels.PodUid] = uid } });
        var ready = sandboxes.Where(s => s.State == CriV1.PodSandboxState.SandboxReady).ToList();
        if (ready.Count != 1)
        {
            return (null, 0, null);
        }

        var ip = (await Cri.PodSandboxStatusAsync(ready[0].Id)).Status.Network?.Ip;
        var containers = await Cri.ListContainersAsync(new CriV1.ContainerFilter { LabelSelector = { [PodLabels.PodUid] = uid } });
        var running = containers.Where(c => c.State == CriV1.ContainerState.ContainerRunning).ToList();
        if (running.Count != 1)
        {
            return (null, 0, string.IsNullOrEmpty(ip) ? null : ip);
        }

        var restarts = int.Parse(running[0].Annotations[PodLabels.RestartCountAnnotation], CultureInfo.InvariantCulture);
        return (running[0].Id, restarts, string.IsNullOrEmpty(ip) ? null : ip);
    }

    /// <summary>Remembers a pod the tests created, so that clean-up can remove what a failed test left of it.</summary>
    public void Track(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        lock (_pods)
        {
            _pods.Add((pod.Metadata.Name!, pod.Metadata.Uid!));
        }
    }

    public static Pod AppPod(string name) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new ObjectMeta { Name = name, Namespace = "default", Labels = new() { ["app"] = "my-app" } },
        Spec = new PodSpec
        {
            NodeName = NodeName,
            TerminationGracePeriodSeconds = 2,
            Containers =
            [
                new Container
                {
                    Name = "app",
                    Image = "my-app:v1.0",
                    Ports = [new ContainerPort { Port = 3000 }],
                    ReadinessProbe = new Probe { HttpGet = new HttpGetAction { Path = "/health", Port = 3000 }, PeriodSeconds = 1 },
                },
            ],
        },
    };

    public static async Task<Pod> WaitForPodAsync(DroverClient api, string name, Func<Pod, bool> condition, string what, Func<string> log, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(log);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        Pod? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await api.TryGetAsync(ResourceTypes.Pods, "default", name);
            }
            catch (ApiClientException)
            {
                // droverd still starting.
            }

            if (last is not null && condition(last))
            {
                return last;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"pod {name} never became {what}; last status: {(last?.Status is null ? "none" : Encoding.UTF8.GetString(ResourceTypes.Pods.SerializeToUtf8Bytes(new Pod { Status = last.Status })))}\nagent log:\n{log()}");
    }

    public static bool IsReady(Pod pod) => pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    /// <summary>Deletes the pod through droverd and waits until the agent has finished it; quiet, for clean-up.</summary>
    public async Task DeletePodQuietlyAsync(string name)
    {
        try
        {
            if (Droverd.HasExited)
            {
                await Droverd.StartAgainAsync();
            }

            using var api = Droverd.Client();
            await api.DeleteAsync(ResourceTypes.Pods, "default", name, gracePeriodSeconds: 1);
            for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline && await api.TryGetAsync(ResourceTypes.Pods, "default", name) is not null;)
            {
                await Task.Delay(200);
            }
        }
        catch (Exception e) when (e is ApiClientException or InvalidOperationException or TimeoutException)
        {
        }
    }

    public async Task DisposeAsync()
    {
        _cri?.Dispose();
        if (_droverd is not null)
        {
            await _droverd.DisposeAsync();
        }

        // A test that failed with the daemon stopped: stop needs it answering to find and remove everything.
        if ((await RunScriptAsync("status", ContainerdDirectory)).ExitCode != 0 && File.Exists(Path.Combine(ContainerdDirectory, "config.toml")))
        {
            await RunScriptAsync("start-daemon", ContainerdDirectory);
        }

        var (exitCode, output) = await RunScriptAsync("stop", ContainerdDirectory);
        if (Directory.Exists(ContainerdDirectory))
        {
            Directory.Delete(ContainerdDirectory, recursive: true);
        }

        if (Directory.Exists(AgentDataDirectory))
        {
            Directory.Delete(AgentDataDirectory, recursive: true);
        }

        // What the agent makes outside containerd for each pod (its teardown removes them; a failed test may not get there).
        foreach (var (name, uid) in _pods)
        {
            PodCleanup.RemoveCgroups("/sys/fs/cgroup", $"/drover/pod{uid}");
            PodCleanup.RemoveDirectory(Path.Combine("/var/log/pods", $"default_{name}_{uid}"));
        }

        if (exitCode != 0)
        {
            throw new InvalidOperationException($"run-private.sh stop failed (exit {exitCode}):\n{output}");
        }
    }

    private static Task<(int ExitCode, string Output)> RunScriptAsync(params string[] args) => PrivateContainerdScript.RunAsync(args);

}

[CollectionDefinition(Name)]
public sealed class ProcessNodeCollection : ICollectionFixture<ProcessNodeFixture>
{
    public const string Name = "process node (droverd + containerd 9 + drover-agent)";
}
