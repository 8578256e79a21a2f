using System.Diagnostics;
using System.Text;
using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Scheduling.Tests;
using Drover.ControlPlane.Testing;
using Drover.Testing;

namespace Drover.ControlPlane.Controllers.Tests;

/// <summary>
/// The pod garbage collector in a real droverd, with stand-in nodes (<see cref="StandInNode"/>): pods bound to a
/// deleted node go after the quarantine (a Terminating one included, which no agent would ever finish), pods on a
/// node that exists are never touched, a node back within the quarantine keeps its pods, terminated pods over the
/// threshold go oldest first, and terminating pods on an out-of-service node go at once.
/// </summary>
[Trait("Category", "Process")]
public sealed class PodGarbageCollectorTests(PodGcDroverdFixture fixture) : IClassFixture<PodGcDroverdFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly DroverClient _admin = fixture.Server.Client();

    private static string NewId() => Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Orphans_NodeDeleted_PodsForceDeletedAfterQuarantine_OtherNodesPodsUntouched()
    {
        var ns = await TestNamespaces.CreateAsync(_admin);
        var id = NewId();
        await using var doomed = await StandInNode.StartAsync(_admin, $"doomed-{id}", "4", renewEvery: TimeSpan.FromMilliseconds(300));
        await using var steady = await StandInNode.StartAsync(_admin, $"steady-{id}", "4", renewEvery: TimeSpan.FromMilliseconds(300));
        await _admin.CreateAsync(ResourceTypes.Pods, TestPods.Pod(ns, "orphan", nodeName: doomed.Name));
        await StandInNode.ReportPodAsync(_admin, ns, "orphan", "10.42.9.11", ready: true);
        await _admin.CreateAsync(ResourceTypes.Pods, TestPods.Pod(ns, "terminating", nodeName: doomed.Name));
        await _admin.CreateAsync(ResourceTypes.Pods, TestPods.Pod(ns, "kept", nodeName: steady.Name));
        await StandInNode.ReportPodAsync(_admin, ns, "kept", "10.42.9.12", ready: true);
        // Deleted while its node was there: marked, waiting for an agent that is about to go.
        await _admin.DeleteAsync(ResourceTypes.Pods, ns, "terminating");
        Assert.NotNull((await Poll.PodAsync(_admin, ns, "terminating"))?.Metadata.DeletionTimestamp);

        await doomed.StopHeartbeatAsync();
        // PodGC counts the quarantine from a pass that found the node missing, so after the delete was stored: timed
        // from before the request the bound is exact (timed from its answer, a slow answer ate the margin).
        var deleting = Stopwatch.StartNew();
        await _admin.DeleteAsync(ResourceTypes.Nodes, null, doomed.Name);

        await Poll.UntilAsync(() => Poll.PodAsync(_admin, ns, "orphan"), p => p is null, Timeout, "orphan collected");
        await Poll.UntilAsync(() => Poll.PodAsync(_admin, ns, "terminating"), p => p is null, Timeout, "terminating orphan collected");
        Assert.True(deleting.Elapsed >= PodGcDroverdFixture.Quarantine, $"collected {deleting.ElapsedMilliseconds} ms after the node's deletion was sent");

        var kept = await Poll.PodAsync(_admin, ns, "kept");
        Assert.NotNull(kept);
        Assert.Null(kept.Metadata.DeletionTimestamp);
        Assert.Equal("Running", kept.Status!.Phase);
        var output = fixture.Server.Output;
        Assert.Contains($"PodGC force-deleted pod {ns}/orphan (orphaned, node \"{doomed.Name}\")", output, StringComparison.Ordinal);
        Assert.Contains($"PodGC force-deleted pod {ns}/terminating (orphaned, node \"{doomed.Name}\")", output, StringComparison.Ordinal);
        Assert.DoesNotContain($"{ns}/kept", output, StringComparison.Ordinal);
        var metrics = Encoding.UTF8.GetString(await _admin.GetRawAsync("/metrics"));
        Assert.Contains($"drover_pod_gc_collector_force_delete_pods_total{{namespace=\"{ns}\",reason=\"orphaned\"}} 2", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Orphans_OrphanMarkedFailedWithDisruptionTargetBeforeDeletion()
    {
        var ns = await TestNamespaces.CreateAsync(_admin);
        var id = NewId();
        await using var doomed = await StandInNode.StartAsync(_admin, $"marked-{id}", "4", renewEvery: TimeSpan.FromMilliseconds(300));
        // A finalizer holds the pod after its forced deletion, so the status PodGC wrote can be read.
        var pod = TestPods.Pod(ns, "held", nodeName: doomed.Name);
        await _admin.CreateAsync(ResourceTypes.Pods, pod with { Metadata = pod.Metadata with { Finalizers = ["example.com/hold"] } });
        await StandInNode.ReportPodAsync(_admin, ns, "held", "10.42.9.13", ready: true);

        await doomed.StopHeartbeatAsync();
        await _admin.DeleteAsync(ResourceTypes.Nodes, null, doomed.Name);

        var held = await Poll.UntilAsync(() => Poll.PodAsync(_admin, ns, "held"), p => p?.Metadata.DeletionTimestamp is not null, Timeout, "held pod force-deleted");
        Assert.Equal(0, held!.Metadata.DeletionGracePeriodSeconds);
        Assert.Equal("Failed", held.Status!.Phase);
        var target = TestPods.Condition(held, "DisruptionTarget");
        Assert.NotNull(target);
        Assert.Equal("True", target.Status);
        Assert.Equal("DeletionByPodGC", target.Reason);
        Assert.Equal("PodGC: node no longer exists", target.Message);

        await _admin.UpdateAsync(ResourceTypes.Pods, held with { Metadata = held.Metadata with { Finalizers = null } });
        await Poll.UntilAsync(() => Poll.PodAsync(_admin, ns, "held"), p => p is null, Timeout, "held pod gone once released");
    }

    [Fact]
    public async Task Orphans_NodeBackWithinQuarantine_KeepsItsPods()
    {
        var ns = await TestNamespaces.CreateAsync(_admin);
        // The node must be back before the quarantine ends, which only the machine decides: a try where registering
        // again took longer proves nothing (its pod may rightly go) and is made again with a new node.
        for (var attempt = 1; ; attempt++)
        {
            var name = $"rejoins-{NewId()}";
            var survivor = $"survivor-{attempt}";
            var first = await StandInNode.StartAsync(_admin, name, "4", renewEvery: TimeSpan.FromMilliseconds(300));
            await _admin.CreateAsync(ResourceTypes.Pods, TestPods.Pod(ns, survivor, nodeName: name));
            await StandInNode.ReportPodAsync(_admin, ns, survivor, "10.42.9.14", ready: true);

            await first.DisposeAsync();
            var deleting = Stopwatch.StartNew();
            await _admin.DeleteAsync(ResourceTypes.Nodes, null, name);
            // Missing until a pass has seen it so (PodGC says so), then registered again at once.
            await Poll.UntilAsync(() => Task.FromResult(fixture.Server.Output), output => output.Contains($"Node {name} is bound to pods but missing", StringComparison.Ordinal),
                Timeout, $"PodGC to quarantine {name}");
            await using var again = await StandInNode.StartAsync(_admin, name, "4", renewEvery: TimeSpan.FromMilliseconds(300));
            // The quarantine began after the delete was sent and the Node was created before StartAsync returned.
            var back = deleting.Elapsed;
            if (back >= PodGcDroverdFixture.Quarantine && attempt < 3)
                continue;
            Assert.True(back < PodGcDroverdFixture.Quarantine, $"registering again took {back.TotalMilliseconds:0} ms, past the quarantine, in {attempt} tries");

            // Several passes past the quarantine: the pod stays.
            await Task.Delay(PodGcDroverdFixture.Quarantine * 3);
            var kept = await Poll.PodAsync(_admin, ns, survivor);
            Assert.NotNull(kept);
            Assert.Null(kept.Metadata.DeletionTimestamp);
            Assert.Equal("Running", kept.Status!.Phase);
            Assert.DoesNotContain($"{ns}/{survivor}", fixture.Server.Output, StringComparison.Ordinal);
            return;
        }
    }

    [Fact]
    public async Task Terminating_OnOutOfServiceNode_ForceDeleted()
    {
        var ns = await TestNamespaces.CreateAsync(_admin);
        var id = NewId();
        // Not Ready (no status at all) and declared shut down by its administrator.
        var node = await _admin.CreateAsync(ResourceTypes.Nodes, new Node
        {
            ApiVersion = "v1",
            Kind = "Node",
            Metadata = new ObjectMeta { Name = $"shut-{id}" },
            Spec = new NodeSpec { Taints = [new Taint { Key = "node.kubernetes.io/out-of-service", Value = "nodeshutdown", Effect = "NoExecute" }] },
        });
        var tolerateAll = new List<Toleration> { new() { Operator = "Exists" } };
        await _admin.CreateAsync(ResourceTypes.Pods, TestPods.Pod(ns, "stuck", nodeName: node.Metadata.Name, tolerations: tolerateAll));
        await _admin.CreateAsync(ResourceTypes.Pods, TestPods.Pod(ns, "idle", nodeName: node.Metadata.Name, tolerations: tolerateAll));
        await _admin.DeleteAsync(ResourceTypes.Pods, ns, "stuck");

        await Poll.UntilAsync(() => Poll.PodAsync(_admin, ns, "stuck"), p => p is null, Timeout, "terminating pod on an out-of-service node collected");
        // Not terminating: an out-of-service node's other pods are the taint's business, not PodGC's.
        Assert.NotNull(await Poll.PodAsync(_admin, ns, "idle"));
        Assert.Contains($"PodGC force-deleted pod {ns}/stuck (out-of-service", fixture.Server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Terminated_OverThreshold_OldestDeletedFirst()
    {
        // Its own droverd: the threshold counts every terminated pod in the cluster.
        await using var server = await DroverdProcess.StartAsync(null, "--terminated-pod-gc-threshold", "2", "--pod-gc-orphan-quarantine", "1s");
        using var admin = server.Client();
        var ns = await TestNamespaces.CreateAsync(admin);
        await using var node = await StandInNode.StartAsync(admin, "worker", "8", renewEvery: TimeSpan.FromMilliseconds(300));
        await admin.CreateAsync(ResourceTypes.Pods, TestPods.Pod(ns, "running", nodeName: node.Name));
        await StandInNode.ReportPodAsync(admin, ns, "running", "10.42.9.20", ready: true);
        // Creation times are whole seconds: the names break ties in the same order.
        foreach (var name in new[] { "done-1", "done-2", "done-3", "done-4" })
        {
            await admin.CreateAsync(ResourceTypes.Pods, TestPods.Pod(ns, name, nodeName: node.Name));
            await FinishAsync(admin, ns, name);
        }

        await Poll.UntilAsync(async () => (await admin.ListAsync(ResourceTypes.Pods, ns)).Items.Select(p => p.Metadata.Name).Order(StringComparer.Ordinal).ToList(),
            names => names.SequenceEqual(["done-3", "done-4", "running"]), Timeout, "the two oldest terminated pods collected");
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(3, (await admin.ListAsync(ResourceTypes.Pods, ns)).Items.Count);
    }

    private static Task FinishAsync(DroverClient admin, string ns, string name) =>
        ConflictRetry.RetryOnConflictAsync(async _ =>
        {
            var pod = await admin.GetAsync(ResourceTypes.Pods, ns, name);
            return await admin.UpdateAsync(ResourceTypes.Pods, pod with { Status = new PodStatus { Phase = "Succeeded" } }, "status");
        });
}
