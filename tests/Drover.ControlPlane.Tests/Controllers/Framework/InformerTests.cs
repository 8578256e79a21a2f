using System.Collections.Concurrent;
using System.Text;
using Drover.Api;
using Drover.ControlPlane.Observability;
using Drover.ControlPlane.Storage;
using Drover.Store;
using Microsoft.Extensions.Logging.Abstractions;
using Drover.ControlPlane.Testing;
using Drover.Testing;
using Drover.ControlPlane.Informers;

namespace Drover.ControlPlane.Controllers.Framework.Tests;

/// <summary>The shared informer against a real SQLite store (its watch, compaction-free relist and overflow).</summary>
public sealed class InformerTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("informer-test-").FullName;
    private readonly CancellationTokenSource _stop = new(TimeSpan.FromSeconds(30));
    private SqliteStore _store = null!;
    private ObjectStore _objects = null!;
    private Task? _running;

    public async Task InitializeAsync() => await OpenAsync(new SqliteStoreOptions());

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_running is not null)
        {
            try
            {
                await _running;
            }
            catch (OperationCanceledException)
            {
            }
        }
        await _store.DisposeAsync();
        _stop.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task RunAsync_ObjectsBeforeStart_SyncedWithAnAddForEach()
    {
        await CreateAsync("a");
        await CreateAsync("b");
        var changes = new ConcurrentQueue<ObjectChange>();
        var informer = NewInformer();
        informer.AddHandler(changes.Enqueue);

        Start(informer);
        await informer.Synced.WaitAsync(_stop.Token);

        Assert.Equal(2, informer.Count);
        Assert.Equal(["a", "b"], changes.Select(c => c.New!.Metadata.Name).Order());
        Assert.All(changes, c => Assert.Null(c.Old));
        Assert.Equal(_store.CurrentRevision, informer.Revision);
    }

    [Fact]
    public async Task RunAsync_CreateUpdateDelete_HandlersSeeOldAndNewInOrder()
    {
        var changes = new ConcurrentQueue<ObjectChange>();
        var informer = NewInformer();
        informer.AddHandler(changes.Enqueue);
        Start(informer);
        await informer.Synced.WaitAsync(_stop.Token);

        var created = await CreateAsync("a");
        var updated = await _objects.UpdateAsync(ResourceTypes.ConfigMaps, ((ConfigMap)created) with { Data = new() { ["k"] = "v2" } }, ObjectStore.ParseResourceVersion(created), _stop.Token);
        await _objects.DeleteAsync(ResourceTypes.ConfigMaps, "ns", "a", 0, _stop.Token);
        await EventuallyAsync(() => changes.Count == 3);

        var list = changes.ToList();
        Assert.Null(list[0].Old);
        Assert.Equal(created.Metadata.ResourceVersion, list[0].New!.Metadata.ResourceVersion);
        Assert.Equal(created.Metadata.ResourceVersion, list[1].Old!.Metadata.ResourceVersion);
        Assert.Equal("v2", ((ConfigMap)list[1].New!).Data!["k"]);
        Assert.Equal(updated.Metadata.ResourceVersion, list[2].Old!.Metadata.ResourceVersion);
        Assert.Null(list[2].New);
        Assert.Null(informer.Get("ns", "a"));
    }

    [Fact]
    public async Task ByIndex_LabelChangesAndDeletes_IndexFollows()
    {
        var informer = NewInformer();
        informer.AddIndex("by-tier", o => o.Metadata.Labels?.TryGetValue("tier", out var tier) == true ? [tier] : []);
        Start(informer);
        await informer.Synced.WaitAsync(_stop.Token);

        var a = await CreateAsync("a", tier: "web");
        await CreateAsync("b", tier: "web");
        await EventuallyAsync(() => informer.ByIndex("by-tier", "web").Count == 2);
        await _objects.UpdateAsync(ResourceTypes.ConfigMaps, a with { Metadata = a.Metadata with { Labels = new() { ["tier"] = "db" } } }, ObjectStore.ParseResourceVersion(a), _stop.Token);
        await _objects.DeleteAsync(ResourceTypes.ConfigMaps, "ns", "b", 0, _stop.Token);
        await EventuallyAsync(() => informer.ByIndex("by-tier", "web").Count == 0);

        Assert.Equal("a", Assert.Single(informer.ByIndex("by-tier", "db")).Metadata.Name);
        informer.EnsureIndex("by-tier", _ => ["ignored: the first definition stays"]);
        Assert.Single(informer.ByIndex("by-tier", "db"));
    }

    [Fact]
    public async Task RunAsync_WatchOverflowsWhileAHandlerIsSlow_RelistsAndReportsTheMissedDelete()
    {
        await DisposeStoreAsync();
        await OpenAsync(new SqliteStoreOptions { WatchBufferSize = 4 });
        await CreateAsync("victim");
        var release = new ManualResetEventSlim();
        var changes = new ConcurrentQueue<ObjectChange>();
        var informer = NewInformer();
        informer.AddHandler(change =>
        {
            if (change.New?.Metadata.Name == "blocker")
                release.Wait(_stop.Token);
            changes.Enqueue(change);
        });
        Start(informer);
        await informer.Synced.WaitAsync(_stop.Token);

        await CreateAsync("blocker");
        await EventuallyAsync(() => informer.Get("ns", "blocker") is not null);
        for (var i = 0; i < 20; i++)
            await CreateAsync("filler-" + i);
        await _objects.DeleteAsync(ResourceTypes.ConfigMaps, "ns", "victim", 0, _stop.Token);
        release.Set();

        await EventuallyAsync(() => informer.Count == 21 && informer.Get("ns", "victim") is null);
        Assert.Contains(changes, c => c.New is null && c.Old!.Metadata.Name == "victim");
        await EventuallyAsync(() => informer.Revision == _store.CurrentRevision);
    }

    [Fact]
    public async Task RunAsync_UndecodableValue_SkippedAndLaterObjectsStillSeen()
    {
        var informer = NewInformer();
        Start(informer);
        await informer.Synced.WaitAsync(_stop.Token);

        await _store.CreateAsync(StoreKeys.Object(ResourceTypes.ConfigMaps, "ns", "broken"), Encoding.UTF8.GetBytes("{not json"), cancellationToken: _stop.Token);
        await CreateAsync("fine");

        await EventuallyAsync(() => informer.Get("ns", "fine") is not null);
        Assert.Null(informer.Get("ns", "broken"));
        Assert.False(_running!.IsFaulted);
    }

    private Informer NewInformer() => new(ResourceTypes.ConfigMaps, InProcessRegistry.Create(_store, TimeProvider.System), NullLogger.Instance);

    private void Start(Informer informer) => _running = informer.RunAsync(_stop.Token);

    private async Task<KubeObject> CreateAsync(string name, string? tier = null) =>
        await _objects.CreateAsync(ResourceTypes.ConfigMaps, new ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = new ObjectMeta { Name = name, Namespace = "ns", Labels = tier is null ? null : new() { ["tier"] = tier } },
            Data = new() { ["k"] = "v" },
        }, _stop.Token);

    private async Task OpenAsync(SqliteStoreOptions options)
    {
        _store = await SqliteStore.OpenAsync(Path.Combine(_directory, "state.db"), options, _stop.Token);
        _objects = new ObjectStore(_store, new ApiMetrics(Prometheus.Metrics.NewCustomRegistry()));
    }

    private async Task DisposeStoreAsync() => await _store.DisposeAsync();

    private async Task EventuallyAsync(Func<bool> condition)
    {
        while (!condition())
            await Task.Delay(10, _stop.Token);
    }
}
