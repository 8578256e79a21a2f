using System.Globalization;
using System.Net;
using Drover.Agent.Configuration;
using Drover.Agent.Cri;
using Drover.Agent.Node;
using Drover.Agent.Pods;
using Drover.Api;
using Drover.Api.Client;
using Drover.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Drover.Agent.Logs.Tests;

/// <summary>
/// A whole node for the log tests, every part real: droverd as a process, a private containerd (node
/// index 8, bridge drover8, pods in 10.88.8.0/24), and in-process the agent's node side (joined with the
/// cluster's join token: node credential, registration with the serving-certificate hash, status with the
/// log port, the log server on 127.0.0.1 and a free port) and its pod side, running as that node.
/// </summary>
public sealed class LogsNodeFixture : IAsyncLifetime
{
    public const int NodeIndex = 8;
    public const string NodeName = "node-8";

    private CriClient? _cri;
    private DroverdProcess? _droverd;
    private DroverClient? _admin;
    private NodeAgent? _agent;
    private CancellationTokenSource? _stop;
    private Task? _loops;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), $"drover-log-tests-{Environment.ProcessId}");

    public string SocketPath => Path.Combine(Directory, "containerd.sock");

    public DroverdProcess Droverd => _droverd ?? throw new InvalidOperationException("droverd is not running");

    public DroverClient Admin => _admin ?? throw new InvalidOperationException("droverd is not running");

    /// <summary>droverd as the node sees it: with the node's own credential.</summary>
    public DroverClient NodeApi => Agent.Api;

    internal NodeAgent Agent => _agent ?? throw new InvalidOperationException("the agent is not running");

    internal CriClient Cri => _cri ?? throw new InvalidOperationException("containerd is not running");

    public IPEndPoint ServingEndpoint => Agent.ServingEndpoint ?? throw new InvalidOperationException("the agent serves no logs");

    public async Task InitializeAsync()
    {
        var (code, output) = await PrivateContainerdScript.RunAsync("start", Directory, NodeIndex.ToString(CultureInfo.InvariantCulture));
        if (code != 0)
        {
            await PrivateContainerdScript.RunAsync("stop", Directory);
            throw new InvalidOperationException($"run-private.sh start failed (exit {code}); the log tests need root, containerd, runc and the CNI plugins:\n{output}");
        }

        _cri = new CriClient(new CriClientOptions { SocketPath = SocketPath });
        _droverd = await DroverdProcess.StartAsync();
        _admin = _droverd.Client();
        var joinToken = (await File.ReadAllTextAsync(Path.Combine(_droverd.DataDirectory, "credentials", "join-token"))).Trim();
        var options = new AgentOptions
        {
            Server = new Uri($"https://127.0.0.1:{_droverd.Port}"),
            Token = joinToken,
            NodeName = NodeName,
            DataDirectory = Path.Combine(Directory, "agent"),
            ContainerdSocket = SocketPath,
            NodeIp = IPAddress.Loopback,
            MetricsAddress = null,
            ServingAddress = new IPEndPoint(IPAddress.Loopback, 0),
            LeaseInterval = TimeSpan.FromSeconds(1),
            // The agent's conflist goes aside: containerd keeps the one run-private.sh wrote for drover8.
            CniConfDirectory = Path.Combine(Directory, "agent-cni"),
            CniBridge = $"drover{NodeIndex}",
            CniIpMasq = false,
        };
        _agent = new NodeAgent(options, _cri, TimeProvider.System, NullLoggerFactory.Instance);
        using (var startTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            await _agent.StartAsync(startTimeout.Token);

        var pods = new PodManager(_agent.Api, _cri, new PodManagerOptions
        {
            NodeName = NodeName,
            NodeIp = "127.0.0.1",
            CgroupParentRoot = $"/drover{NodeIndex}",
            PodLogRoot = Path.Combine(Directory, "pods"),
            BackoffInitial = TimeSpan.FromSeconds(1),
            BackoffMax = TimeSpan.FromSeconds(2),
            ResyncInterval = TimeSpan.FromSeconds(2),
            RecordEvents = false,
        }, TimeProvider.System, NullLoggerFactory.Instance);
        _stop = new CancellationTokenSource();
        _loops = Task.WhenAll(_agent.RunAsync(_stop.Token), Task.Run(() => pods.RunAsync(_stop.Token)));
        await WaitForPublishedNodeAsync();
    }

    /// <summary>The Node carries the log port and the certificate hash once the first status is written.</summary>
    private async Task WaitForPublishedNodeAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (await Admin.TryGetAsync(ResourceTypes.Nodes, null, NodeName) is Api.Node { Status.DaemonEndpoints.KubeletEndpoint.Port: > 0 })
                return;
            await Task.Delay(100);
        }

        throw new TimeoutException($"node {NodeName} did not publish its log port within 30 s");
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (_stop is not null)
            {
                await _stop.CancelAsync();
                await _loops!.WaitAsync(TimeSpan.FromSeconds(30));
            }
        }
        finally
        {
            if (_agent is not null)
                await _agent.DisposeAsync();
            _admin?.Dispose();
            if (_droverd is not null)
                await _droverd.DisposeAsync();
            _cri?.Dispose();
            _stop?.Dispose();
            var (code, output) = await PrivateContainerdScript.RunAsync("stop", Directory);
            if (System.IO.Directory.Exists(Directory))
                System.IO.Directory.Delete(Directory, recursive: true);
            if (code != 0)
                throw new InvalidOperationException($"run-private.sh stop failed (exit {code}):\n{output}");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class LogsNodeCollection : ICollectionFixture<LogsNodeFixture>
{
    public const string Name = "log node (droverd + containerd 8 + agent)";
}
