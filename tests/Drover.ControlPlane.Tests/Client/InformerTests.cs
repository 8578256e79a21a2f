using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Testing;
using Drover.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Drover.Api.Client.Tests;

/// <summary>The client toolkit's informer (list, then watch from the list's revision) against a real droverd.</summary>
[Trait("Category", "Process")]
public sealed class InformerTests(DroverdFixture fixture) : IClassFixture<DroverdFixture>
{
    private readonly DroverClient _client = fixture.Server.Client();

    [Fact]
    public async Task RunAsync_ObjectsBeforeAndAfterTheList_CopyFollowsCreatesUpdatesDeletes()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap(ns, "before"));
        var changes = 0;
        var informer = new Informer<ConfigMap>(_client, ResourceTypes.ConfigMaps, () => Interlocked.Increment(ref changes), NullLogger.Instance, new() { Namespace = ns });
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var running = informer.RunAsync(cts.Token);

        await informer.Synced.WaitAsync(cts.Token);
        Assert.Equal([ns + "/before"], informer.Snapshot().Keys);

        var after = await _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap(ns, "after"));
        await _client.UpdateAsync(ResourceTypes.ConfigMaps, after with { Data = new() { ["key"] = "v2" } });
        await _client.DeleteAsync(ResourceTypes.ConfigMaps, ns, "before");
        await EventuallyAsync(() => informer.Snapshot() is { Count: 1 } copy && copy.TryGetValue(ns + "/after", out var c) && c.Data?.GetValueOrDefault("key") == "v2", cts.Token);

        Assert.True(Volatile.Read(ref changes) >= 4);
        await cts.CancelAsync();
        await running;
    }

    [Fact]
    public async Task RunAsync_Cancelled_ReturnsWithoutThrowing()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var informer = new Informer<ConfigMap>(_client, ResourceTypes.ConfigMaps, () => { }, NullLogger.Instance, new() { Namespace = ns });
        using var cts = new CancellationTokenSource();
        var running = informer.RunAsync(cts.Token);
        await informer.Synced.WaitAsync(TimeSpan.FromSeconds(30));

        await cts.CancelAsync();

        await running.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(running.IsCompletedSuccessfully);
    }

    private static async Task EventuallyAsync(Func<bool> condition, CancellationToken ct)
    {
        while (!condition())
            await Task.Delay(50, ct);
    }
}
