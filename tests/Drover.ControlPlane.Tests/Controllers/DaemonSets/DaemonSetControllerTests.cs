using Drover.Api;
using Drover.ControlPlane.Events;
using Drover.ControlPlane.Informers;
using Drover.ControlPlane.Registry;
using Drover.ControlPlane.Scheduling.Tests;
using Drover.ControlPlane.Testing;
using Drover.Store;
using Drover.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Drover.ControlPlane.Controllers.DaemonSets.Tests;

/// <summary>The DaemonSet controller in process over a real SQLite store and droverd's registry; nodes are Node objects, readiness is written as a node would.</summary>
public sealed class DaemonSetControllerTests : IAsyncLifetime
{
    private const string Ns = "default";
    private readonly string _directory = Directory.CreateTempSubdirectory("ds-controller-test-").FullName;
    private readonly ManualTimeProvider _time = new(Controllers.Tests.Workloads.T0);
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(120));
    private SqliteStore _store = null!;
    private ObjectService _registry = null!;
    private SharedInformers _informers = null!;
    private EventWriter _events = null!;
    private DaemonSetController _controller = null!;

    public async Task InitializeAsync()
    {
        _store = await SqliteStore.OpenAsync(Path.Combine(_directory, "state.db"), null, _timeout.Token);
        _registry = InProcessRegistry.Create(_store, _time, new ServerOptions { DataDirectory = _directory });
        await Bootstrap.EnsureAsync(_registry, _timeout.Token);
        _informers = new SharedInformers(_registry, NullLoggerFactory.Instance);
        _events = new EventWriter(_registry, _time, NullLogger<EventWriter>.Instance);
        _controller = new DaemonSetController(_registry, _informers, _events, _time, NullLogger<DaemonSetController>.Instance);
        await _informers.StartAsync(_timeout.Token);
        await _events.StartAsync(_timeout.Token);
        await _controller.StartAsync(_timeout.Token);
    }

    public async Task DisposeAsync()
    {
        await _controller.StopAsync(CancellationToken.None);
        await _events.StopAsync(CancellationToken.None);
        await _informers.StopAsync(CancellationToken.None);
        _controller.Dispose();
        _events.Dispose();
        _informers.Dispose();
        await _store.DisposeAsync();
        _timeout.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Sync_NodesMatchingAndJoiningLater_OnePodEachAndStatusAsKubectlReadsIt()
    {
        await NodeAsync("edge-1", new() { ["role"] = "edge" });
        await NodeAsync("core-1", new() { ["role"] = "core" });
        var ds = DaemonSetPlannerTests.DaemonSet(nodeSelector: new() { ["role"] = "edge" }) with { Metadata = new ObjectMeta { Name = "collector", Namespace = Ns } };
        await _registry.CreateAsync(ResourceTypes.DaemonSets, ds with { ApiVersion = "apps/v1", Kind = "DaemonSet" }, _timeout.Token);

        var first = await PodsAsync(p => p.Count == 1, "a pod on edge-1");
        Assert.Equal("edge-1", first[0].Spec.NodeName);

        await NodeAsync("edge-2", new() { ["role"] = "edge" });
        var both = await PodsAsync(p => p.Count == 2, "a pod on the node that joined");
        Assert.Equal(new[] { "edge-1", "edge-2" }, both.Select(p => p.Spec.NodeName).Order());
        foreach (var pod in both)
            await ReadyAsync(pod);

        var status = (await DaemonSetAsync(d => d.Status?.NumberAvailable == 2, "2 available")).Status!;
        Assert.Equal((2, 2, 2, 0, 2), (status.DesiredNumberScheduled, status.CurrentNumberScheduled, status.NumberReady, status.NumberMisscheduled, status.UpdatedNumberScheduled));
        Assert.Equal(1, status.ObservedGeneration);
        var revision = Assert.Single(await RevisionsAsync());
        Assert.Equal(1, revision.Revision);
    }

    [Fact]
    public async Task Sync_TemplateChanged_RollsNodeByNodeAndRecordsARevision()
    {
        await NodeAsync("n1");
        await NodeAsync("n2");
        var ds = DaemonSetPlannerTests.DaemonSet() with { ApiVersion = "apps/v1", Kind = "DaemonSet", Metadata = new ObjectMeta { Name = "collector", Namespace = Ns } };
        await _registry.CreateAsync(ResourceTypes.DaemonSets, ds, _timeout.Token);
        foreach (var pod in await PodsAsync(p => p.Count == 2, "two pods"))
            await ReadyAsync(pod);
        await DaemonSetAsync(d => d.Status?.NumberAvailable == 2, "2 available");

        var stored = (DaemonSet)(await _registry.GetAsync(ResourceTypes.DaemonSets, Ns, "collector", _timeout.Token))!;
        var template = stored.Spec.Template with { Spec = stored.Spec.Template.Spec with { Containers = [stored.Spec.Template.Spec.Containers[0] with { Image = "collector:2" }] } };
        var cause = new Dictionary<string, string> { [WellKnownAnnotations.ChangeCause] = "collector 2" };
        await _registry.UpdateAsync(ResourceTypes.DaemonSets, stored with { Metadata = stored.Metadata with { Annotations = cause }, Spec = stored.Spec with { Template = template } }, statusOnly: false, _timeout.Token);

        // maxUnavailable 1: one old pod goes, its replacement comes; the other old pod waits for it to be ready.
        var mid = await PodsAsync(p => p.Count(x => x.Spec.Containers[0].Image == "collector:2") == 1, "one new pod");
        Assert.Single(mid, p => p.Spec.Containers[0].Image == "collector:1");
        await Task.Delay(300);
        Assert.Single(await PodsAsync(_ => true, "pods"), p => p.Spec.Containers[0].Image == "collector:1");
        await ReadyAsync(mid.Single(p => p.Spec.Containers[0].Image == "collector:2"));
        var done = await PodsAsync(p => p.Count == 2 && p.All(x => x.Spec.Containers[0].Image == "collector:2"), "both nodes updated");
        await ReadyAsync(done.Single(p => !KubeletReady(p)));

        var status = (await DaemonSetAsync(d => d.Status?.UpdatedNumberScheduled == 2 && d.Status.NumberAvailable == 2, "rolled out")).Status!;
        Assert.Equal(2, status.ObservedGeneration);
        var revisions = await RevisionsAsync();
        Assert.Equal(new long[] { 1, 2 }, revisions.Select(r => r.Revision).Order());
        Assert.Equal("collector:1", DaemonSetRevisions.TemplateOf(revisions.Single(r => r.Revision == 1))!.Spec.Containers[0].Image);
        // Each revision keeps the DaemonSet's annotations of its time, as Kubernetes' snapshot does: `rollout history` shows the change-cause.
        Assert.Null(revisions.Single(r => r.Revision == 1).Metadata.Annotations);
        Assert.Equal(cause, revisions.Single(r => r.Revision == 2).Metadata.Annotations);
    }

    [Fact]
    public async Task Sync_NodeWithoutRoom_NoPodThereAFailedPlacementEventAndThePodComesWhenRoomIsFreed()
    {
        await NodeAsync("n1", cpu: "1");
        await NodeAsync("n2", cpu: "1");
        var hog = await _registry.CreateAsync(ResourceTypes.Pods, TestPods.Pod(Ns, "hog", "800m", nodeName: "n2"), _timeout.Token);
        var ds = DaemonSetPlannerTests.DaemonSet() with { ApiVersion = "apps/v1", Kind = "DaemonSet", Metadata = new ObjectMeta { Name = "collector", Namespace = Ns } };
        var container = ds.Spec.Template.Spec.Containers[0] with
        {
            Resources = new ResourceRequirements { Requests = new Dictionary<string, Quantity>(StringComparer.Ordinal) { ["cpu"] = Quantity.Parse("500m") } },
        };
        ds = ds with { Spec = ds.Spec with { Template = ds.Spec.Template with { Spec = ds.Spec.Template.Spec with { Containers = [container] } } } };
        await _registry.CreateAsync(ResourceTypes.DaemonSets, ds, _timeout.Token);

        var events = await Poll.UntilAsync(async () => (await _registry.ListAsync(ResourceTypes.Events, Ns, null, 0, null, share: false, _timeout.Token)).Items.Select(i => (Event)i.Object).ToList(),
            e => e.Any(x => x.Reason == DaemonFit.FailedPlacement), "a FailedPlacement event", TimeSpan.FromSeconds(30));
        var placement = events.First(e => e.Reason == DaemonFit.FailedPlacement);
        Assert.Equal(("Warning", "DaemonSet", "collector"), (placement.Type, placement.InvolvedObject.Kind, placement.InvolvedObject.Name));
        Assert.Equal("failed to place pod on \"n2\": Node didn't have enough resource: cpu, requested: 500, used: 800, capacity: 1000", placement.Message);
        // The first status can be written before the new pod on n1 is in the cache (current 0), as Kubernetes' is.
        var status = (await DaemonSetAsync(d => d.Status?.DesiredNumberScheduled == 2 && d.Status.CurrentNumberScheduled >= 1, "status written")).Status!;
        Assert.Equal((2, 1), (status.DesiredNumberScheduled, status.CurrentNumberScheduled));
        Assert.Equal("n1", Assert.Single(await PodsAsync(_ => true, "pods"), p => p.Metadata.Name != "hog").Spec.NodeName);

        // The hog leaves: the suspended daemon is woken by that pod's deletion, not by a timer.
        await _registry.DeleteAsync(ResourceTypes.Pods, Ns, hog.Metadata.Name!, gracePeriodSeconds: 0, _timeout.Token);
        var pods = await PodsAsync(p => p.Count(x => x.Metadata.Name != "hog") == 2, "a daemon pod on n2 once the hog is gone");
        Assert.Contains(pods, p => p.Spec.NodeName == "n2" && p.Metadata.Name != "hog");
    }

    /// <summary>A node with what it offers (status is written after the create, as an agent does; a create drops it).</summary>
    private async Task NodeAsync(string name, Dictionary<string, string>? labels = null, string cpu = "4")
    {
        var node = DaemonFitTests.Node(name, cpu);
        var created = await _registry.CreateAsync(ResourceTypes.Nodes, node with { Metadata = new ObjectMeta { Name = name, Labels = labels } }, _timeout.Token);
        await _registry.UpdateAsync(ResourceTypes.Nodes, created with { Status = node.Status }, statusOnly: true, _timeout.Token);
    }

    private Task<List<Pod>> PodsAsync(Func<List<Pod>, bool> done, string what) =>
        Poll.UntilAsync(async () =>
        {
            var page = await _registry.ListAsync(ResourceTypes.Pods, Ns, null, 0, null, share: false, _timeout.Token);
            return page.Items.Select(i => (Pod)i.Object).Where(p => p.Metadata.DeletionTimestamp is null).ToList();
        }, done, what, TimeSpan.FromSeconds(30));

    private async Task<List<ControllerRevision>> RevisionsAsync() =>
        [.. (await _registry.ListAsync(ResourceTypes.ControllerRevisions, Ns, null, 0, null, share: false, _timeout.Token)).Items.Select(i => (ControllerRevision)i.Object)];

    private Task<DaemonSet> DaemonSetAsync(Func<DaemonSet, bool> done, string what) =>
        Poll.UntilAsync(async () => (DaemonSet)(await _registry.GetAsync(ResourceTypes.DaemonSets, Ns, "collector", _timeout.Token))!, done, what, TimeSpan.FromSeconds(30));

    private static bool KubeletReady(Pod pod) => pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    private async Task ReadyAsync(Pod pod)
    {
        var current = (Pod)(await _registry.GetAsync(ResourceTypes.Pods, Ns, pod.Metadata.Name!, _timeout.Token))!;
        await _registry.UpdateAsync(ResourceTypes.Pods, current with
        {
            Status = new PodStatus
            {
                Phase = "Running",
                Conditions = [new PodCondition { Type = "Ready", Status = "True", LastTransitionTime = _time.GetUtcNow() }],
            },
        }, statusOnly: true, _timeout.Token);
    }
}
