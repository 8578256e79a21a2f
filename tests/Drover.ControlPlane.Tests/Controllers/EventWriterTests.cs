using Drover.Api;
using Drover.ControlPlane.Api;
using Drover.ControlPlane.Observability;
using Drover.ControlPlane.Storage;
using Drover.ControlPlane.Testing;
using Drover.Store;
using Drover.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Drover.ControlPlane.Registry;
using Drover.ControlPlane.Registry.Allocation;
using Drover.ControlPlane.Events;

namespace Drover.ControlPlane.Controllers.Tests;

/// <summary>The event writer against a real store, through the same ObjectService path the controllers use.</summary>
public sealed class EventWriterTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("events-test-").FullName;
    private readonly ManualTimeProvider _time = new(Workloads.T0);
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(30));
    private SqliteStore _store = null!;
    private ObjectService _registry = null!;
    private EventWriter _writer = null!;

    public async Task InitializeAsync()
    {
        _store = await SqliteStore.OpenAsync(Path.Combine(_directory, "state.db"), null, _timeout.Token);
        _registry = InProcessRegistry.Create(_store, _time, new ServerOptions { DataDirectory = _directory });
        await Bootstrap.EnsureAsync(_registry, _timeout.Token);
        _writer = new EventWriter(_registry, _time, NullLogger<EventWriter>.Instance);
        await _writer.StartAsync(_timeout.Token);
    }

    public async Task DisposeAsync()
    {
        await _writer.StopAsync(CancellationToken.None);
        _writer.Dispose();
        await _store.DisposeAsync();
        _timeout.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Record_SameEventAgain_OneEventWithCountAndLastTimestampWrittenAtTheNextRewrite()
    {
        var recorder = _writer.ForComponent("deployment-controller");
        recorder.Normal(ResourceTypes.Deployments, Deployment(), "ScalingReplicaSet", "Scaled up replica set web-abc to 3");
        await EventuallyAsync(events => events.Count == 1);
        _time.Advance(TimeSpan.FromSeconds(5));

        recorder.Normal(ResourceTypes.Deployments, Deployment(), "ScalingReplicaSet", "Scaled up replica set web-abc to 3");
        // A repeat within the rewrite interval is held back (one write per interval, however often it recurs)...
        await Task.Delay(200);
        Assert.Equal(1, Assert.Single(await EventuallyAsync(events => events.Count == 1)).Count);
        // ...and flushed when the interval has passed.
        _time.Advance(EventWriter.RewriteInterval - TimeSpan.FromSeconds(5));

        var ev = Assert.Single(await EventuallyAsync(events => events.Count == 1 && events[0].Count == 2));
        Assert.Equal(Workloads.T0, ev.FirstTimestamp);
        Assert.Equal(Workloads.T0.AddSeconds(5), ev.LastTimestamp);
    }

    [Fact]
    public async Task Record_TwoMessages_TwoKubernetesShapedEvents()
    {
        var recorder = _writer.ForComponent("replicaset-controller");

        recorder.Normal(ResourceTypes.Deployments, Deployment(), "SuccessfulCreate", "Created pod: web-abc-1");
        recorder.Warning(ResourceTypes.Deployments, Deployment(), "FailedCreate", "Error creating: quota");

        var events = await EventuallyAsync(e => e.Count == 2);
        Assert.NotEqual(events[0].Metadata.Name, events[1].Metadata.Name);
        var warning = Assert.Single(events, e => e.Type == "Warning");
        Assert.StartsWith("web.", warning.Metadata.Name, StringComparison.Ordinal);
        Assert.Equal(("FailedCreate", "Error creating: quota", 1), (warning.Reason, warning.Message, warning.Count));
        Assert.Equal(("apps/v1", "Deployment", "default", "web", "d-uid"), (warning.InvolvedObject.ApiVersion, warning.InvolvedObject.Kind, warning.InvolvedObject.Namespace, warning.InvolvedObject.Name, warning.InvolvedObject.Uid));
        Assert.Equal("replicaset-controller", warning.Source?.Component);
        Assert.Equal("replicaset-controller", warning.ReportingComponent);
    }

    [Fact]
    public async Task Record_ClusterScopedObject_EventInDefaultNamespace()
    {
        var node = new Node { Metadata = new ObjectMeta { Name = "edge-1", Uid = "n-uid" } };

        _writer.ForComponent("node-lifecycle-controller").Warning(ResourceTypes.Nodes, node, "NodeNotReady", "Node edge-1 status is now: NodeNotReady");

        var ev = Assert.Single(await EventuallyAsync(e => e.Count == 1));
        Assert.Equal("default", ev.Metadata.Namespace);
        Assert.Null(ev.InvolvedObject.Namespace);
        Assert.Equal(("Node", "edge-1"), (ev.InvolvedObject.Kind, ev.InvolvedObject.Name));
    }

    private static Deployment Deployment() => Workloads.Deployment(3) with
    {
        Metadata = new ObjectMeta { Name = "web", Namespace = "default", Uid = "d-uid", ResourceVersion = "7" },
    };

    private async Task<List<Event>> EventuallyAsync(Func<List<Event>, bool> done)
    {
        while (true)
        {
            var list = await _registry.ListAsync(ResourceTypes.Events, "default", null, 0, null, share: false, _timeout.Token);
            var events = list.Items.Select(item => (Event)item.Object).ToList();
            if (done(events))
                return events;
            await Task.Delay(10, _timeout.Token);
        }
    }
}
