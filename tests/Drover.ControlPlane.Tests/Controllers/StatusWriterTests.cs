using Drover.Api;
using Drover.ControlPlane.Registry;
using Drover.ControlPlane.Testing;
using Drover.Store;

namespace Drover.ControlPlane.Controllers.Tests;

/// <summary>The one status write of the workload controllers, over droverd's registry on a real SQLite store.</summary>
public sealed class StatusWriterTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("status-writer-test-").FullName;
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));
    private SqliteStore _store = null!;
    private ObjectService _registry = null!;

    public async Task InitializeAsync()
    {
        _store = await SqliteStore.OpenAsync(Path.Combine(_directory, "state.db"), null, _timeout.Token);
        _registry = InProcessRegistry.Create(_store, TimeProvider.System, new ServerOptions { DataDirectory = _directory });
        await Bootstrap.EnsureAsync(_registry, _timeout.Token);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _timeout.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task WriteAsync_StaleCachedCopy_WritesOnceMoreOnTheStoredObject()
    {
        var cached = await CreateAsync("web");
        // Someone writes after the controller's cache saw the object: the cached resourceVersion is stale.
        await _registry.UpdateAsync(ResourceTypes.ReplicaSets, cached with { Metadata = cached.Metadata with { Labels = new() { ["app"] = "web", ["tier"] = "x" } } }, statusOnly: false, _timeout.Token);

        var plain = await Assert.ThrowsAsync<ApiException>(() => _registry.UpdateAsync(ResourceTypes.ReplicaSets, cached with { Status = Status(3) }, statusOnly: true, _timeout.Token));
        Assert.Equal(409, plain.Status.Code);

        await StatusWriter.WriteAsync(_registry, ResourceTypes.ReplicaSets, cached, rs => rs with { Status = Status(3) }, _timeout.Token);

        var stored = await _registry.GetAsync(ResourceTypes.ReplicaSets, "default", "web", _timeout.Token);
        Assert.Equal(3, stored!.Status!.Replicas);
        Assert.Equal("x", stored.Metadata.Labels!["tier"]);
    }

    [Fact]
    public async Task WriteAsync_StatusNoLongerHoldsForTheStoredObject_WritesNothing()
    {
        var cached = await CreateAsync("web");
        await _registry.UpdateAsync(ResourceTypes.ReplicaSets, cached with { Spec = cached.Spec with { Replicas = 5 } }, statusOnly: false, _timeout.Token);

        await StatusWriter.WriteAsync(_registry, ResourceTypes.ReplicaSets, cached,
            rs => rs.Metadata.Generation != cached.Metadata.Generation ? null : rs with { Status = Status(3) }, _timeout.Token);

        var stored = await _registry.GetAsync(ResourceTypes.ReplicaSets, "default", "web", _timeout.Token);
        Assert.NotEqual(3, stored!.Status?.Replicas);
    }

    [Fact]
    public async Task WriteAsync_ObjectDeletedMeanwhile_NoError()
    {
        var cached = await CreateAsync("gone");
        await _registry.DeleteAsync(ResourceTypes.ReplicaSets, "default", "gone", gracePeriodSeconds: null, _timeout.Token);

        await StatusWriter.WriteAsync(_registry, ResourceTypes.ReplicaSets, cached, rs => rs with { Status = Status(1) }, _timeout.Token);

        Assert.Null(await _registry.GetAsync(ResourceTypes.ReplicaSets, "default", "gone", _timeout.Token));
    }

    [Fact]
    public async Task WriteOnCachedAsync_CachedCopyCurrent_Written()
    {
        var cached = await CreateAsync("current");

        var written = await StatusWriter.WriteOnCachedAsync(_registry, ResourceTypes.ReplicaSets, cached, rs => rs with { Status = Status(2) }, _timeout.Token);

        Assert.NotNull(written);
        Assert.Equal(2, (await _registry.GetAsync(ResourceTypes.ReplicaSets, "default", "current", _timeout.Token))!.Status!.Replicas);
    }

    [Fact]
    public async Task WriteOnCachedAsync_StaleCachedCopy_409WritesNothingOverTheNewerObject()
    {
        var cached = await CreateAsync("stale");
        // Another sync's status landed after the cache saw the object.
        var newer = await _registry.UpdateAsync(ResourceTypes.ReplicaSets, cached with { Status = Status(7) }, statusOnly: true, _timeout.Token);

        var written = await StatusWriter.WriteOnCachedAsync(_registry, ResourceTypes.ReplicaSets, cached, rs => rs with { Status = Status(3) }, _timeout.Token);

        Assert.Null(written);
        var stored = await _registry.GetAsync(ResourceTypes.ReplicaSets, "default", "stale", _timeout.Token);
        Assert.Equal(7, stored!.Status!.Replicas);
        Assert.Equal(newer.Metadata.ResourceVersion, stored.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task WriteOnCachedAsync_ObjectDeletedMeanwhile_NoError()
    {
        var cached = await CreateAsync("deleted");
        await _registry.DeleteAsync(ResourceTypes.ReplicaSets, "default", "deleted", gracePeriodSeconds: null, _timeout.Token);

        Assert.Null(await StatusWriter.WriteOnCachedAsync(_registry, ResourceTypes.ReplicaSets, cached, rs => rs with { Status = Status(1) }, _timeout.Token));
    }

    private static ReplicaSetStatus Status(int replicas) => new() { Replicas = replicas, ObservedGeneration = 1 };

    private Task<ReplicaSet> CreateAsync(string name) => _registry.CreateAsync(ResourceTypes.ReplicaSets, new ReplicaSet
    {
        ApiVersion = "apps/v1",
        Kind = "ReplicaSet",
        Metadata = new ObjectMeta { Name = name, Namespace = "default" },
        Spec = new ReplicaSetSpec
        {
            Replicas = 1,
            Selector = new LabelSelector { MatchLabels = new() { ["app"] = "web" } },
            Template = Workloads.Template(),
        },
    }, _timeout.Token);
}
