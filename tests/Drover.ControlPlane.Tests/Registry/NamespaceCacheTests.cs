using Drover.Api;
using Drover.ControlPlane.Storage;
using Drover.ControlPlane.Testing;
using Drover.Store;
using Drover.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Drover.ControlPlane.Registry.Tests;

/// <summary>
/// The create-time namespace check through this replica's namespace watch, over a real SQLite store: an active
/// namespace answers from the cache; a terminating, missing or not-yet-seen one is left to the store, so the answers
/// are those of the store read.
/// </summary>
public sealed class NamespaceCacheTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("namespace-cache-test-").FullName;
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(60));
    private SqliteStore _store = null!;
    private ObjectStore _objects = null!;
    private NamespaceCache _cache = null!;
    private ObjectService _registry = null!;

    public async Task InitializeAsync()
    {
        _store = await SqliteStore.OpenAsync(Path.Combine(_directory, "state.db"), null, _timeout.Token);
        _registry = InProcessRegistry.Create(_store, TimeProvider.System, new ServerOptions { DataDirectory = _directory }, objects =>
        {
            _objects = objects;
            return _cache = new NamespaceCache(objects, TimeProvider.System, NullLogger<NamespaceCache>.Instance);
        });
        await _cache.StartAsync(_timeout.Token);
    }

    public async Task DisposeAsync()
    {
        await _cache.StopAsync(CancellationToken.None);
        _cache.Dispose();
        await _store.DisposeAsync();
        _timeout.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task IsActive_NamespaceCreatedMarkedDeletedAndGone_FollowsTheWatch()
    {
        Assert.False(_cache.IsActive("team-a"));

        await _registry.CreateAsync(ResourceTypes.Namespaces, Namespace("team-a"), _timeout.Token);
        await Poll.UntilAsync(() => Task.FromResult(_cache.IsActive("team-a")), active => active, "team-a active in the cache", TimeSpan.FromSeconds(10));

        var stored = (await _objects.GetAsync(ResourceTypes.Namespaces, null, "team-a", _timeout.Token))!;
        await _objects.UpdateAsync(ResourceTypes.Namespaces, stored with { Metadata = stored.Metadata with { DeletionTimestamp = DateTimeOffset.UtcNow } },
            ResourceVersions.Of(stored), _timeout.Token);
        await Poll.UntilAsync(() => Task.FromResult(_cache.IsActive("team-a")), active => !active, "team-a terminating in the cache", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Create_InNamespaceTheCacheHasNotSeenOrSeesTerminating_AnsweredByTheStore()
    {
        // Created straight in the store and used at once: the cache may not have it yet; the store read lets it through.
        await _objects.CreateAsync(ResourceTypes.Namespaces, Namespace("fresh"), _timeout.Token);
        await _registry.CreateAsync(ResourceTypes.ConfigMaps, ConfigMap("fresh"), _timeout.Token);

        var missing = await Assert.ThrowsAsync<ApiException>(() => _registry.CreateAsync(ResourceTypes.ConfigMaps, ConfigMap("nowhere"), _timeout.Token));
        Assert.Equal(404, missing.Status.Code);

        var stored = (await _objects.GetAsync(ResourceTypes.Namespaces, null, "fresh", _timeout.Token))!;
        await _objects.UpdateAsync(ResourceTypes.Namespaces, stored with { Metadata = stored.Metadata with { DeletionTimestamp = DateTimeOffset.UtcNow } },
            ResourceVersions.Of(stored), _timeout.Token);
        // Until the watch delivers the change the cache may still call it active (Kubernetes' informer has the same
        // window); once it sees it terminating, the store's answer is the one given.
        await Poll.UntilAsync(() => Task.FromResult(_cache.IsActive("fresh")), active => !active, "fresh terminating in the cache", TimeSpan.FromSeconds(10));
        var terminating = await Assert.ThrowsAsync<ApiException>(() => _registry.CreateAsync(ResourceTypes.ConfigMaps, ConfigMap("fresh", "second"), _timeout.Token));
        Assert.Equal(403, terminating.Status.Code);
    }

    private static Namespace Namespace(string name) => new()
    {
        ApiVersion = "v1",
        Kind = "Namespace",
        Metadata = new ObjectMeta { Name = name, Uid = Guid.NewGuid().ToString(), CreationTimestamp = DateTimeOffset.UtcNow },
    };

    private static ConfigMap ConfigMap(string ns, string name = "settings") => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new ObjectMeta { Name = name, Namespace = ns },
        Data = new Dictionary<string, string> { ["a"] = "b" },
    };
}
