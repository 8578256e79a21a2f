using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Testing;
using Drover.ControlPlane.Scheduling.Tests;
using Drover.Testing;

namespace Drover.ControlPlane.Controllers.Tests;

/// <summary>
/// Node lifecycle in a real droverd: a stand-in node (<see cref="StandInNode"/>) stops renewing its Lease,
/// is marked Unknown and tainted, loses its pods after the eviction timeout, and is untainted when it
/// heartbeats again.
/// </summary>
[Trait("Category", "Process")]
public sealed class NodeLifecycleTests(ShortLifecycleDroverdFixture fixture) : IClassFixture<ShortLifecycleDroverdFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly DroverClient _admin = fixture.Server.Client();

    private Task<Node> NodeAsync(string name, Func<Node, bool> condition, string what) =>
        Poll.UntilAsync(async () => await _admin.GetAsync(ResourceTypes.Nodes, null, name), condition, Timeout, what);

    private static bool HasUnreachableTaint(Node node, string effect) =>
        node.Spec.Taints?.Any(t => t.Key == "node.kubernetes.io/unreachable" && t.Effect == effect) == true;

    /// <summary>When droverd added the unreachable NoExecute taint (to the second), or null without one.</summary>
    private static DateTimeOffset? NoExecuteAdded(Node node) =>
        node.Spec.Taints?.FirstOrDefault(t => t.Key == "node.kubernetes.io/unreachable" && t.Effect == "NoExecute")?.TimeAdded;

    private static DateTimeOffset WholeSeconds(DateTimeOffset time) => new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    [Fact]
    public async Task Lifecycle_LeaseExpires_UnknownTaintedPodsEvictedThenUntaintedOnRenewal()
    {
        var ns = await TestNamespaces.CreateAsync(_admin);
        var id = Guid.NewGuid().ToString("N")[..8];
        var pool = new Dictionary<string, string>(StringComparer.Ordinal) { ["test-pool"] = id };
        var registered = DateTimeOffset.UtcNow;
        await using var node = await StandInNode.StartAsync(_admin, $"dying-{id}", "4", labels: pool, renewEvery: TimeSpan.FromMilliseconds(300));
        // A node that stays up: with every node silent droverd would suspect its own network and evict nothing.
        await using var steady = await StandInNode.StartAsync(_admin, $"steady-{id}", "4", renewEvery: TimeSpan.FromMilliseconds(300));
        await _admin.CreateAsync(ResourceTypes.Pods, TestPods.Pod(ns, "victim", nodeName: node.Name));
        await StandInNode.ReportPodAsync(_admin, ns, "victim", "10.42.9.10", ready: true);
        await _admin.CreateAsync(ResourceTypes.Pods, TestPods.Pod(ns, "stays", nodeName: node.Name,
            tolerations: [new Toleration { Key = "node.kubernetes.io/unreachable", Operator = "Exists", Effect = "NoExecute" }]));
        // The node registered Ready once and from then on only renews its Lease, for twice the grace period: were
        // renewals not heard as heartbeats it would be marked a grace period after it registered, and nothing would
        // take the taints off again (the bound on TimeAdded below then fails).
        await Poll.UntilAsync(() => Task.FromResult(node.LastRenewal), last => last >= registered + ShortLifecycleDroverdFixture.Grace * 2, Timeout, "Lease renewals for twice the grace period");

        await node.StopHeartbeatAsync();
        // droverd counts the grace period from the last renewal it saw, sent no earlier than this (a renewal cancelled
        // in flight may have landed later). TimeAdded is droverd's own time of marking, to the second.
        var lastRenewal = node.LastRenewal;
        var notBefore = WholeSeconds(lastRenewal + ShortLifecycleDroverdFixture.Grace);

        // On a loaded machine a renewal can reach droverd later than the grace period while the node still heartbeats:
        // droverd then marks it, rightly, and takes the taints off at the next renewal. So the marking waited for is the
        // one after the last renewal, not whatever taint the first read shows; an early one that stays is the failure.
        var marked = await NodeAsync(node.Name, n => HasUnreachableTaint(n, "NoSchedule") && NoExecuteAdded(n) >= notBefore,
            $"unreachable taints added no earlier than {notBefore:O} (a grace period after the last renewal, {lastRenewal:O})");
        var ready = marked.Status!.Conditions!.Single(c => c.Type == "Ready");
        Assert.Equal("Unknown", ready.Status);
        Assert.Equal("NodeStatusUnknown", ready.Reason);
        Assert.Equal("Kubelet stopped posting node status.", ready.Message);
        Assert.Contains(marked.Status.Conditions!, c => c.Type == "MemoryPressure" && c.Status == "Unknown");
        var taintedAt = NoExecuteAdded(marked)!.Value;

        // Nobody probes the pods any more: they leave the Services' ready addresses.
        await Poll.UntilAsync(() => Poll.PodAsync(_admin, ns, "victim"), p => TestPods.Condition(p, "Ready")?.Status == "False", Timeout, "victim marked not ready");

        // The scheduler does not place anything on the node.
        await _admin.CreateAsync(ResourceTypes.Pods, TestPods.Pod(ns, "newcomer", nodeSelector: pool));
        var refused = await Poll.UntilAsync(() => Poll.PodAsync(_admin, ns, "newcomer"), p => TestPods.Condition(p, "PodScheduled")?.Status == "False", Timeout, "newcomer unschedulable");
        // The dying node is turned down as not ready (other tests' nodes here may be silent too, and the
        // steady one does not carry the pool label).
        var message = TestPods.Condition(refused, "PodScheduled")!.Message!;
        Assert.Matches(@"^0/\d+ nodes are available: .*\d+ node\(s\) were not ready", message);
        Assert.DoesNotContain("Insufficient", message, StringComparison.Ordinal);

        await Poll.UntilAsync(() => Poll.PodAsync(_admin, ns, "victim"), p => p is null, Timeout, "victim evicted");
        // Seen gone no earlier than the eviction timeout after the taint droverd stamped (droverd's clock is this machine's).
        var seenGone = DateTimeOffset.UtcNow;
        Assert.True(seenGone >= taintedAt + ShortLifecycleDroverdFixture.Eviction, $"evicted by {seenGone:O}, before the {ShortLifecycleDroverdFixture.Eviction} eviction timeout from {taintedAt:O}");
        Assert.NotNull(await Poll.PodAsync(_admin, ns, "stays"));
        await Poll.UntilAsync(async () => (await _admin.ListAsync(ResourceTypes.Events, ns, fieldSelector: "involvedObject.name=victim,reason=TaintManagerEviction")).Items,
            events => events.Count == 1, Timeout, "one TaintManagerEviction event");

        node.ResumeHeartbeat();
        var back = await NodeAsync(node.Name, n => !HasUnreachableTaint(n, "NoExecute") && !HasUnreachableTaint(n, "NoSchedule"), "taints removed");
        Assert.Null(back.Spec.Taints);
    }

    [Fact]
    public async Task Lifecycle_NodeThatNeverHeartbeats_MarkedNeverUpdated()
    {
        var name = "mute-" + Guid.NewGuid().ToString("N")[..8];
        await _admin.CreateAsync(ResourceTypes.Nodes, new Node { ApiVersion = "v1", Kind = "Node", Metadata = new ObjectMeta { Name = name } });

        var node = await NodeAsync(name, n => HasUnreachableTaint(n, "NoSchedule"), "unreachable taint");

        var ready = node.Status!.Conditions!.Single(c => c.Type == "Ready");
        Assert.Equal("Unknown", ready.Status);
        Assert.Equal("NodeStatusNeverUpdated", ready.Reason);
        Assert.Null(ready.LastHeartbeatTime);
    }

    [Fact]
    public async Task Lifecycle_EveryNodeSilent_NoEvictionUntilOneIsHeardAgain()
    {
        // Its own droverd: "every node" must mean these two.
        await using var server = await DroverdProcess.StartAsync(null, "--node-monitor-grace-period", "1s", "--pod-eviction-timeout", "1s");
        using var admin = server.Client();
        var ns = await TestNamespaces.CreateAsync(admin);
        await using var a = await StandInNode.StartAsync(admin, "a", "4", renewEvery: TimeSpan.FromMilliseconds(200));
        await using var b = await StandInNode.StartAsync(admin, "b", "4", renewEvery: TimeSpan.FromMilliseconds(200));
        await admin.CreateAsync(ResourceTypes.Pods, TestPods.Pod(ns, "on-a", nodeName: "a"));

        await a.StopHeartbeatAsync();
        await b.StopHeartbeatAsync();
        await Poll.UntilAsync(async () => await admin.GetAsync(ResourceTypes.Nodes, null, "a"), n => HasUnreachableTaint(n, "NoSchedule"), Timeout, "a marked");
        await Poll.UntilAsync(async () => await admin.GetAsync(ResourceTypes.Nodes, null, "b"), n => HasUnreachableTaint(n, "NoSchedule"), Timeout, "b marked");
        // Well past grace + eviction timeout: still there, and no NoExecute taint to count from.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.NotNull(await Poll.PodAsync(admin, ns, "on-a"));
        Assert.False(HasUnreachableTaint(await admin.GetAsync(ResourceTypes.Nodes, null, "a"), "NoExecute"));

        // b is back: a alone is silent, so its pods go after the eviction timeout counted from now.
        b.ResumeHeartbeat();
        await Poll.UntilAsync(async () => await admin.GetAsync(ResourceTypes.Nodes, null, "a"), n => HasUnreachableTaint(n, "NoExecute"), Timeout, "a tainted NoExecute");
        await Poll.UntilAsync(() => Poll.PodAsync(admin, ns, "on-a"), p => p is null, Timeout, "on-a evicted");
    }
}
