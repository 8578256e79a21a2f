using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Testing;
using Drover.Testing;

namespace Drover.ControlPlane.Api.Tests;

[Trait("Category", "Process")]
public sealed class WatchTests(DroverdFixture fixture) : IClassFixture<DroverdFixture>
{
    private readonly DroverClient _client = fixture.Server.Client();

    [Fact]
    public async Task Watch_FromListRevision_StreamsAddedModifiedDeletedInOrder()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var list = await _client.ListAsync(ResourceTypes.ConfigMaps, ns);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var events = new List<WatchEvent>();
        var watching = Task.Run(async () =>
        {
            await foreach (var ev in _client.WatchAsync(ResourceTypes.ConfigMaps, ns, list.ResourceVersion, ct: cts.Token))
            {
                events.Add(ev);
                if (events.Count == 3)
                    break;
            }
        });
        var created = await _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap(ns, "w"));
        await _client.UpdateAsync(ResourceTypes.ConfigMaps, created with { Data = new() { ["key"] = "v2" } });
        await _client.DeleteAsync(ResourceTypes.ConfigMaps, ns, "w");
        await watching.WaitAsync(cts.Token);

        Assert.Equal(["ADDED", "MODIFIED", "DELETED"], events.Select(e => e.Type));
        Assert.Equal("v2", ((ConfigMap)events[1].Object!).Data!["key"]);
        var revisions = events.Select(e => long.Parse(e.ResourceVersion!)).ToList();
        Assert.Equal(revisions.Order(), revisions);
    }

    [Fact]
    public async Task Watch_ResumeFromResourceVersion_DeliversOnlyLaterEvents()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var first = await _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap(ns, "one"));
        await _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap(ns, "two"));
        await _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap(ns, "three"));

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var seen = new List<string>();
        await foreach (var ev in _client.WatchAsync(ResourceTypes.ConfigMaps, ns, first.Metadata.ResourceVersion, ct: cts.Token))
        {
            seen.Add(ev.Object!.Metadata.Name!);
            if (seen.Count == 2)
                break;
        }
        Assert.Equal(["two", "three"], seen);
    }

    [Fact]
    public async Task Watch_WithoutResourceVersion_StartsWithCurrentObjects()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap(ns, "existing"));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await foreach (var ev in _client.WatchAsync(ResourceTypes.ConfigMaps, ns, ct: cts.Token))
        {
            Assert.Equal("ADDED", ev.Type);
            Assert.Equal("existing", ev.Object!.Metadata.Name);
            break;
        }
    }

    [Fact]
    public async Task Watch_LabelSelector_ObjectLeavingSelectionIsDeleted()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var list = await _client.ListAsync(ResourceTypes.ConfigMaps, ns);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var events = new List<string>();
        var watching = Task.Run(async () =>
        {
            await foreach (var ev in _client.WatchAsync(ResourceTypes.ConfigMaps, ns, list.ResourceVersion, labelSelector: "app=web", ct: cts.Token))
            {
                events.Add($"{ev.Type} {ev.Object!.Metadata.Name}");
                if (events.Count == 2)
                    break;
            }
        });
        var cm = await _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap(ns, "sel") with { Metadata = new ObjectMeta { Name = "sel", Namespace = ns, Labels = new() { ["app"] = "web" } } });
        await _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap(ns, "other"));
        await _client.PatchAsync(ResourceTypes.ConfigMaps, ns, "sel", """{"metadata":{"labels":{"app":"db"}}}""");
        await watching.WaitAsync(cts.Token);
        Assert.Equal(["ADDED sel", "DELETED sel"], events);
    }

    [Fact]
    public async Task Watch_CompactedRevision_Gone410()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var old = await _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap(ns, "old"));
        // The fixture compacts every 2 s, keeping one interval: within ~5 s revision `old` is gone.
        var deadline = DateTime.UtcNow.AddSeconds(15);
        ApiClientException? gone = null;
        while (gone is null && DateTime.UtcNow < deadline)
        {
            await _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap(ns, "n-" + Guid.NewGuid().ToString("N")[..6]));
            await Task.Delay(500);
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await foreach (var _ in _client.WatchAsync(ResourceTypes.ConfigMaps, ns, "1", ct: cts.Token))
                    break;
            }
            catch (ApiClientException e)
            {
                gone = e;
            }
        }
        Assert.NotNull(gone);
        Assert.Equal(410, gone.Code);
        Assert.Equal("Expired", gone.Reason);
        Assert.NotNull(old.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Watch_AllowBookmarks_ReceivesBookmarkWithRevision()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var created = await _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap(ns, "b"));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await foreach (var ev in _client.WatchAsync(ResourceTypes.ConfigMaps, ns, created.Metadata.ResourceVersion, bookmarks: true, ct: cts.Token))
        {
            Assert.Equal("BOOKMARK", ev.Type);
            Assert.True(long.Parse(ev.ResourceVersion!) >= long.Parse(created.Metadata.ResourceVersion!));
            break;
        }
    }

    [Fact]
    public async Task Watch_ClusterScopedNamespaces_SeesNewNamespace()
    {
        var list = await _client.ListAsync(ResourceTypes.Namespaces, null);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var watching = Task.Run(async () =>
        {
            await foreach (var ev in _client.WatchAsync(ResourceTypes.Namespaces, null, list.ResourceVersion, ct: cts.Token))
                if (ev.Type == "ADDED")
                    return ev.Object!.Metadata.Name;
            return null;
        });
        var ns = await TestNamespaces.CreateAsync(_client);
        Assert.Equal(ns, await watching.WaitAsync(cts.Token));
    }

    [Fact]
    public async Task Watch_ClientLeavesWhileBookmarkTimerWaits_StreamEndsWithoutServerError()
    {
        // The stream waits on its next event and on the bookmark timer at once; a client that leaves then cancels the
        // timer while the wait for the event is still in flight. Disposing the event stream under that wait threw
        // NotSupportedException, answered as a 500 (seen in droverd's log during an E2E run).
        var ns = await TestNamespaces.CreateAsync(_client);
        var created = await _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap(ns, "leave"));
        for (var i = 0; i < 5; i++)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(150 + (50 * i)));
            try
            {
                await foreach (var ev in _client.WatchAsync(ResourceTypes.ConfigMaps, ns, created.Metadata.ResourceVersion, bookmarks: true, ct: cts.Token))
                {
                }
            }
            catch (OperationCanceledException)
            {
                // The client leaving.
            }
        }
        await Task.Delay(500);
        var metrics = System.Text.Encoding.UTF8.GetString(await _client.GetRawAsync("/metrics"));
        Assert.DoesNotContain("code=\"500\"", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("NotSupportedException", fixture.Server.Output, StringComparison.Ordinal);
    }
}
