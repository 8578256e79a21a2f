using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Testing;
using Drover.Testing;

namespace Drover.ControlPlane.Scheduling.Tests;

/// <summary>
/// The scheduling loop in a real droverd, with stand-in nodes (<see cref="StandInNode"/>). Nodes are
/// cluster-wide, so each test gives its nodes a label of its own and its pods select it.
/// </summary>
[Trait("Category", "Process")]
public sealed class SchedulerLoopTests(DroverdFixture fixture) : IClassFixture<DroverdFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly DroverdProcess _server = fixture.Server;
    private readonly DroverClient _admin = fixture.Server.Client();

    private static (string Id, Dictionary<string, string> Labels) Pool()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        return (id, new Dictionary<string, string>(StringComparer.Ordinal) { ["test-pool"] = id });
    }

    /// <summary>
    /// Waits until the scheduler's node informer has the last node the test registered (and so, delivered in order, every
    /// one before it): a probe pod, in a namespace of its own, that only that node can take gets bound, then is
    /// force-deleted and gone. The scheduler's pod and node informers are separate watches, so without this a pod created
    /// right after the nodes could be scheduled while a node's status is still on its way, and land beside another pod.
    /// </summary>
    private async Task SchedulerSeesNodesUpToAsync(Dictionary<string, string> lastNodeSelector)
    {
        var ns = await TestNamespaces.CreateAsync(_admin);     // its own: the probe's Scheduled event is not the test's
        await _admin.CreateAsync(ResourceTypes.Pods, TestPods.Pod(ns, "probe", cpu: "1m", nodeSelector: lastNodeSelector));
        await Poll.UntilAsync(() => Poll.PodAsync(_admin, ns, "probe"), p => !string.IsNullOrEmpty(p?.Spec.NodeName), Timeout, "probe bound");
        await _admin.DeleteAsync(ResourceTypes.Pods, ns, "probe", gracePeriodSeconds: 0);
        await Poll.UntilAsync(() => Poll.PodAsync(_admin, ns, "probe"), p => p is null, Timeout, "probe gone");
    }

    [Fact]
    public async Task Schedule_ThreeNodesThreePods_OnePodPerNode()
    {
        var ns = await TestNamespaces.CreateAsync(_admin);
        var (id, pool) = Pool();
        await using var a = await StandInNode.StartAsync(_admin, $"spread-{id}-a", "2", labels: pool);
        await using var b = await StandInNode.StartAsync(_admin, $"spread-{id}-b", "2", labels: pool);
        await using var c = await StandInNode.StartAsync(_admin, $"spread-{id}-c", "2", labels: new(pool) { ["test-last"] = id });
        await SchedulerSeesNodesUpToAsync(new() { ["test-last"] = id });

        for (var i = 0; i < 3; i++)
            await _admin.CreateAsync(ResourceTypes.Pods, TestPods.Pod(ns, $"web-{i}", cpu: "500m", nodeSelector: pool));

        var bound = new List<Pod>();
        for (var i = 0; i < 3; i++)
        {
            var name = $"web-{i}";
            bound.Add((await Poll.UntilAsync(() => Poll.PodAsync(_admin, ns, name), p => !string.IsNullOrEmpty(p?.Spec.NodeName), Timeout, $"{name} bound"))!);
        }
        Assert.Equal([a.Name, b.Name, c.Name], bound.Select(p => p.Spec.NodeName!).Order(StringComparer.Ordinal));
        Assert.All(bound, p => Assert.Equal("True", TestPods.Condition(p, "PodScheduled")?.Status));

        var events = await Poll.UntilAsync(
            async () => (await _admin.ListAsync(ResourceTypes.Events, ns, fieldSelector: "reason=Scheduled")).Items.Cast<Event>().ToList(),
            list => list.Count == 3, Timeout, "three Scheduled events");
        Assert.All(events, e => Assert.Equal("default-scheduler", e.Source?.Component));
        Assert.Contains(events, e => e.Message == $"Successfully assigned {ns}/web-0 to {bound[0].Spec.NodeName}");
    }

    [Fact]
    public async Task Schedule_PodTooBigForEveryNode_UnschedulableWithReasonsThenBoundWhenBigNodeJoins()
    {
        var ns = await TestNamespaces.CreateAsync(_admin);
        var (id, pool) = Pool();
        await using var small1 = await StandInNode.StartAsync(_admin, $"small-{id}-1", "1", labels: pool);
        await using var small2 = await StandInNode.StartAsync(_admin, $"small-{id}-2", "1", labels: pool);
        await _admin.CreateAsync(ResourceTypes.Pods, TestPods.Pod(ns, "huge", cpu: "8", nodeSelector: pool));

        var pending = await Poll.UntilAsync(() => Poll.PodAsync(_admin, ns, "huge"),
            p => TestPods.Condition(p, "PodScheduled") is { Status: "False", Reason: "Unschedulable" }, Timeout, "PodScheduled=False");
        var message = TestPods.Condition(pending, "PodScheduled")!.Message!;
        // Other tests' nodes share this droverd: they add reasons of their own (not matching the selector).
        Assert.Matches(@"^0/\d+ nodes are available: .*\.$", message);
        Assert.Contains("2 Insufficient cpu", message, StringComparison.Ordinal);
        Assert.True(string.IsNullOrEmpty(pending!.Spec.NodeName));

        var failed = await Poll.UntilAsync(
            async () => (await _admin.ListAsync(ResourceTypes.Events, ns, fieldSelector: "involvedObject.name=huge,reason=FailedScheduling")).Items.Cast<Event>().ToList(),
            list => list.Count > 0, Timeout, "a FailedScheduling event");
        Assert.All(failed, ev =>
        {
            Assert.Equal("Warning", ev.Type);
            Assert.Equal("default-scheduler", ev.Source?.Component);
            Assert.Contains("2 Insufficient cpu", ev.Message, StringComparison.Ordinal);
        });

        var described = await CliRunner.RunAsync(_server, "describe", "pod", "huge", "-n", ns);
        Assert.True(described.ExitCode == 0, described.ToString());
        Assert.Matches(@"PodScheduled\s+False", described.Stdout);
        Assert.Matches(@"Warning\s+FailedScheduling\s+.*default-scheduler\s+0/\d+ nodes are available: 2 Insufficient cpu", described.Stdout);

        await using var big = await StandInNode.StartAsync(_admin, $"big-{id}", "16", labels: pool);
        var bound = await Poll.UntilAsync(() => Poll.PodAsync(_admin, ns, "huge"), p => !string.IsNullOrEmpty(p?.Spec.NodeName), Timeout, "huge bound once a big node joined");
        Assert.Equal(big.Name, bound!.Spec.NodeName);
        Assert.Equal("True", TestPods.Condition(bound, "PodScheduled")?.Status);
    }

    [Fact]
    public async Task Schedule_OtherSchedulerName_LeftAlone()
    {
        var ns = await TestNamespaces.CreateAsync(_admin);
        var (id, pool) = Pool();
        await using var node = await StandInNode.StartAsync(_admin, $"other-{id}", "4", labels: pool);
        var pod = TestPods.Pod(ns, "mine", nodeSelector: pool);
        await _admin.CreateAsync(ResourceTypes.Pods, pod with { Spec = pod.Spec with { SchedulerName = "my-scheduler" } });
        await _admin.CreateAsync(ResourceTypes.Pods, TestPods.Pod(ns, "default", nodeSelector: pool));

        // The default-scheduler pod created after it is bound, so the loop has looked at both by then.
        await Poll.UntilAsync(() => Poll.PodAsync(_admin, ns, "default"), p => !string.IsNullOrEmpty(p?.Spec.NodeName), Timeout, "the default-scheduler pod bound");
        await Task.Delay(500);
        var left = await Poll.PodAsync(_admin, ns, "mine");
        Assert.True(string.IsNullOrEmpty(left!.Spec.NodeName));
        Assert.Null(TestPods.Condition(left, "PodScheduled"));
    }
}
