using Drover.Testing;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Drover.Agent.Configuration;
using Drover.Agent.Cri;
using Drover.Agent.Network;
using Drover.Api;
using Drover.Api.Client;
using Microsoft.Extensions.Logging.Abstractions;

namespace Drover.Agent.Node.Tests;

/// <summary>The node side of the agent, in-process, against a real droverd and a real private containerd.</summary>
[Collection(NodeEnvironmentCollection.Name)]
[Trait("Category", "Process")]
public sealed class NodeAgentTests(NodeEnvironmentFixture environment) : IDisposable
{
    private readonly List<string> _dataDirectories = [];

    private AgentOptions Options(string nodeName, string? dataDirectory = null, string? token = null, int metricsPort = 0)
    {
        if (dataDirectory is null)
        {
            dataDirectory = Directory.CreateTempSubdirectory("drover-node-agent-").FullName;
            _dataDirectories.Add(dataDirectory);
        }
        return new AgentOptions
        {
            Server = environment.Server,
            Token = token ?? environment.JoinToken,
            NodeName = nodeName,
            DataDirectory = dataDirectory,
            ContainerdSocket = environment.SocketPath,
            NodeIp = IPAddress.Loopback,
            Labels = new Dictionary<string, string> { ["drover.io/test"] = "node" },
            Taints = [new Taint { Key = "drover.io/test", Value = "yes", Effect = "PreferNoSchedule" }],
            MetricsAddress = metricsPort == 0 ? null : new IPEndPoint(IPAddress.Loopback, metricsPort),
            // Never the real kubelet port: several agents run at once in these tests.
            ServingAddress = new IPEndPoint(IPAddress.Loopback, 0),
            LeaseInterval = TimeSpan.FromSeconds(1),
            CniConfDirectory = environment.CniConfDirectory,
            CniBridge = environment.Bridge,
            CniIpMasq = false,
        };
    }

    private sealed class RunningAgent(NodeAgent agent, CriClient cri, CancellationTokenSource stop, Task loops) : IAsyncDisposable
    {
        public NodeAgent Agent => agent;

        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await loops;
            await agent.DisposeAsync();
            cri.Dispose();
            stop.Dispose();
        }
    }

    private static async Task<RunningAgent> StartAsync(AgentOptions options)
    {
        var cri = new CriClient(new CriClientOptions { SocketPath = options.ContainerdSocket });
        var agent = new NodeAgent(options, cri, TimeProvider.System, NullLoggerFactory.Instance);
        var stop = new CancellationTokenSource();
        try
        {
            using var startTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await agent.StartAsync(startTimeout.Token);
        }
        catch
        {
            await agent.DisposeAsync();
            cri.Dispose();
            stop.Dispose();
            throw;
        }
        return new RunningAgent(agent, cri, stop, agent.RunAsync(stop.Token));
    }

    private static async Task<Api.Node> WaitForReadyAsync(DroverClient admin, string nodeName)
    {
        Api.Node? node = null;
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(200))
        {
            node = await admin.TryGetAsync(ResourceTypes.Nodes, null, nodeName);
            if (node?.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready")?.Status == "True")
                return node;
        }
        Assert.Fail($"node {nodeName} did not become Ready within 30 s; last conditions: {string.Join("; ", node?.Status?.Conditions?.Select(c => $"{c.Type}={c.Status} {c.Message}") ?? [])}");
        return null!;
    }

    [Fact]
    public async Task Start_NewNode_RegisteredReadyWithMeasuredStatusAndRenewedLease()
    {
        var metricsPort = FreePorts.Next();
        var options = Options("node-six-a", metricsPort: metricsPort);
        await using var running = await StartAsync(options);
        using var admin = environment.Droverd.Client();

        var node = await WaitForReadyAsync(admin, "node-six-a");

        Assert.True(running.Agent.JoinedThisStart);
        Assert.Matches(new Regex(@"^10\.42\.\d{1,3}\.0/24$"), node.Spec.PodCIDR);
        Assert.Equal(node.Spec.PodCIDR, running.Agent.PodCidr);
        Assert.Equal("node-six-a", node.Metadata.Labels!["kubernetes.io/hostname"]);
        Assert.Equal("linux", node.Metadata.Labels["kubernetes.io/os"]);
        Assert.Equal(RuntimeArch(), node.Metadata.Labels["kubernetes.io/arch"]);
        Assert.Equal("node", node.Metadata.Labels["drover.io/test"]);
        Assert.Equal("PreferNoSchedule", Assert.Single(node.Spec.Taints!).Effect);

        var status = node.Status!;
        var memTotal = MemTotalBytes();
        Assert.Equal(Environment.ProcessorCount, status.Capacity!["cpu"].Value);
        Assert.Equal(memTotal, status.Capacity["memory"].Value);
        Assert.Equal(110, status.Capacity["pods"].Value);
        Assert.True(status.Capacity["ephemeral-storage"].Value > 0);
        Assert.Equal(Environment.ProcessorCount * 1000L - 100, status.Allocatable!["cpu"].MilliValue);
        Assert.Equal(memTotal - (256L << 20), status.Allocatable["memory"].Value);
        Assert.StartsWith("containerd://", status.NodeInfo!.ContainerRuntimeVersion, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllText("/proc/sys/kernel/osrelease").Trim(), status.NodeInfo.KernelVersion);
        Assert.Equal(File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim(), status.NodeInfo.BootID);
        Assert.Equal("v0.1.0", status.NodeInfo.KubeletVersion);
        Assert.Equal("linux", status.NodeInfo.OperatingSystem);
        Assert.Contains(status.Addresses!, a => a.Type == "InternalIP" && a.Address == "127.0.0.1");
        Assert.Contains(status.Addresses!, a => a.Type == "Hostname" && a.Address == "node-six-a");
        Assert.Equal(["MemoryPressure", "DiskPressure", "PIDPressure", "Ready"], status.Conditions!.Select(c => c.Type));

        var conflist = File.ReadAllText(Path.Combine(environment.CniConfDirectory, CniConfig.FileName));
        Assert.Contains($"\"subnet\": \"{node.Spec.PodCIDR}\"", conflist, StringComparison.Ordinal);
        Assert.Contains($"\"bridge\": \"{environment.Bridge}\"", conflist, StringComparison.Ordinal);

        var first = await LeaseAsync(admin, "node-six-a");
        Assert.Equal("node-six-a", first.Spec.HolderIdentity);
        Assert.Equal(40, first.Spec.LeaseDurationSeconds);
        Assert.Equal(node.Metadata.Uid, Assert.Single(first.Metadata.OwnerReferences!).Uid);
        // Renewed every second: wait for the next renewal (a fixed 2.5 s wait could miss it on a loaded machine).
        await Poll.UntilAsync(() => LeaseAsync(admin, "node-six-a"), l => l.Spec.RenewTime > first.Spec.RenewTime, $"the Lease renewed after {first.Spec.RenewTime:O}");

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}") };
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Matches(new Regex(@"^drover_agent_heartbeats_total [1-9]", RegexOptions.Multiline), metrics);
        Assert.Contains("drover_agent_node_status_updates_total{result=\"ok\"", metrics, StringComparison.Ordinal);
        Assert.Equal("ok", (await http.GetStringAsync("/healthz")).Trim());
    }

    [Fact]
    public async Task Restart_StoredCredential_ReusedWithoutSecondJoin()
    {
        var options = Options("node-six-b");
        using var admin = environment.Droverd.Client();
        await using (var first = await StartAsync(options))
        {
            Assert.True(first.Agent.JoinedThisStart);
            await WaitForReadyAsync(admin, "node-six-b");
        }
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(options.CredentialPath));
        var credential = File.ReadAllText(options.CredentialPath);
        var issued = await admin.GetAsync(ResourceTypes.Secrets, "kube-system", "node-six-b.node-credential");

        // No join token at all: only the stored credential can make this start work.
        await using var second = await StartAsync(options with { Token = null });

        Assert.False(second.Agent.JoinedThisStart);
        Assert.Equal(credential, File.ReadAllText(options.CredentialPath));
        var after = await admin.GetAsync(ResourceTypes.Secrets, "kube-system", "node-six-b.node-credential");
        Assert.Equal(issued.Metadata.ResourceVersion, after.Metadata.ResourceVersion);
        // The stored credential must also authorise writes: the running heartbeat renews the Lease with it.
        // (Calling RenewAsync from here would race the loop's own renewal for the same resourceVersion.)
        for (var deadline = DateTime.UtcNow.AddSeconds(10); second.Agent.Heartbeat.LastRenewed is null && DateTime.UtcNow < deadline;)
            await Task.Delay(50);
        Assert.NotNull(second.Agent.Heartbeat.LastRenewed);
    }

    [Fact]
    public async Task LeaseLost_NodeMarkedUnknownMeanwhile_StatusRewrittenReadyOnRecoveryNotAtNextInterval()
    {
        var options = Options("node-six-e");
        using var admin = environment.Droverd.Client();
        await using var running = await StartAsync(options);
        await WaitForReadyAsync(admin, "node-six-e");

        // What the node lifecycle controller does to a node whose Lease went stale, and a Lease that is gone:
        // the agent's next renewal fails (404) and the one after recreates it: a recovery. The running agent may write
        // the node's status meanwhile: read and write again on a conflict, as the controller does.
        await ConflictRetry.RetryOnConflictAsync(async _ =>
        {
            var node = await admin.GetAsync(ResourceTypes.Nodes, null, "node-six-e");
            var unknown = node.Status!.Conditions!.Select(c => c.Type == "Ready" ? c with { Status = "Unknown", Reason = "NodeStatusUnknown" } : c).ToList();
            await admin.UpdateAsync(ResourceTypes.Nodes, node with { Status = node.Status with { Conditions = unknown } }, "status");
        });
        await admin.DeleteAsync(ResourceTypes.Leases, "kube-node-lease", "node-six-e");

        // The full status interval is a minute; the recovery must not wait for it (this waits 30 s at most).
        await WaitForReadyAsync(admin, "node-six-e");
        Assert.NotNull(await admin.TryGetAsync(ResourceTypes.Leases, "kube-node-lease", "node-six-e"));
    }

    [Fact]
    public async Task Start_DroverdUnreachableWithStoredCredential_GoesOnWithStoredPodCidrAndKeepsRetrying()
    {
        var options = Options("node-six-d");
        using var admin = environment.Droverd.Client();
        string podCidr;
        await using (var first = await StartAsync(options))
            podCidr = (await WaitForReadyAsync(admin, "node-six-d")).Spec.PodCIDR!;
        var failuresBefore = Metrics.AgentMetrics.HeartbeatFailures.Value;

        // Nothing listens there: as after a reboot with the uplink down.
        var offline = options with { Server = new Uri($"https://127.0.0.1:{FreePorts.Next()}"), Token = null };
        var started = System.Diagnostics.Stopwatch.StartNew();
        await using var second = await StartAsync(offline);

        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"start took {started.Elapsed}");
        Assert.False(second.Agent.JoinedThisStart);
        Assert.Equal(podCidr, second.Agent.PodCidr);
        for (var deadline = DateTime.UtcNow.AddSeconds(10); Metrics.AgentMetrics.HeartbeatFailures.Value <= failuresBefore && DateTime.UtcNow < deadline;)
            await Task.Delay(100);
        Assert.True(Metrics.AgentMetrics.HeartbeatFailures.Value > failuresBefore, "no heartbeat failure was counted");
    }

    [Fact]
    public async Task Start_JoinTokenWithWrongCaHash_AbortsWithClearError()
    {
        var token = environment.JoinToken;
        var wrong = "K10" + new string('0', 64) + token[67..];
        var options = Options("node-six-bad", token: wrong);

        var error = await Assert.ThrowsAsync<NodeJoinException>(() => StartAsync(options));

        Assert.Contains("does not match the join token's pin", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(options.CredentialPath));
        using var admin = environment.Droverd.Client();
        Assert.Null(await admin.TryGetAsync(ResourceTypes.Nodes, null, "node-six-bad"));
    }

    [Fact]
    public async Task NodeCredential_WritingAnotherNodesStatusOrLease_Forbidden()
    {
        await using var running = await StartAsync(Options("node-six-c"));
        using var admin = environment.Droverd.Client();
        var other = await admin.CreateAsync(ResourceTypes.Nodes, new Api.Node { ApiVersion = "v1", Kind = "Node", Metadata = new ObjectMeta { Name = "node-six-other" } });

        var status = await Assert.ThrowsAsync<ApiClientException>(() => running.Agent.Api.UpdateAsync(ResourceTypes.Nodes, other with { Status = new NodeStatus { Conditions = [new NodeCondition { Type = "Ready", Status = "True" }] } }, "status"));
        var lease = await Assert.ThrowsAsync<ApiClientException>(() => running.Agent.Api.CreateAsync(ResourceTypes.Leases, new Lease { ApiVersion = "coordination.k8s.io/v1", Kind = "Lease", Metadata = new ObjectMeta { Name = "node-six-other", Namespace = "kube-node-lease" } }));

        Assert.Equal(403, status.Code);
        Assert.Equal(403, lease.Code);
        var own = await running.Agent.Api.GetAsync(ResourceTypes.Nodes, null, "node-six-c");
        Assert.Equal("node-six-c", own.Metadata.Name);
    }

    private static async Task<Lease> LeaseAsync(DroverClient admin, string nodeName)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(10); ; await Task.Delay(100))
        {
            if (await admin.TryGetAsync(ResourceTypes.Leases, "kube-node-lease", nodeName) is Lease lease)
                return lease;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"no lease for {nodeName}");
        }
    }

    private static long MemTotalBytes()
    {
        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    private static string RuntimeArch() => System.Runtime.InteropServices.RuntimeInformation.OSArchitecture switch
    {
        System.Runtime.InteropServices.Architecture.X64 => "amd64",
        System.Runtime.InteropServices.Architecture.Arm64 => "arm64",
        var other => other.ToString().ToLowerInvariant(),
    };


    public void Dispose()
    {
        foreach (var directory in _dataDirectories)
        {
            if (Directory.Exists(directory))
                Directory.Delete(directory, recursive: true);
        }
    }
}
