using Drover.Store.Tests;
using static Drover.Store.Tests.StoreTestValues;
using static Drover.Store.Tests.WatchAssert;

namespace Drover.Store.Etcd.Tests;

/// <summary>What the shared etcd watch adds beyond the conformance suite: one etcd watcher for many, and the fallback.</summary>
[Trait("Category", "Process")]
[Collection(EtcdClusterCollection.Name)]
public sealed class EtcdSharedWatchTests(EtcdClusterFixture etcd)
{
    [Fact]
    public async Task WatchAsync_ManyWatchers_OneEtcdWatcherAndEveryoneSeesEveryEvent()
    {
        await using var test = await etcd.OpenSharedWatchAsync();
        var store = test.Store;
        var before = await etcd.EtcdWatchersAsync();

        // An informer per kind and a watch per node, as droverd has: 30 watchers over three prefixes.
        var watches = Enumerable.Range(0, 30)
            .Select(i => TakeAsync(store.WatchAsync(i % 3 == 0 ? "/" : i % 3 == 1 ? "/pods/" : "/nodes/", store.CurrentRevision), i % 3 == 0 ? 20 : 10))
            .ToList();
        for (var i = 0; i < 10; i++)
        {
            await store.CreateAsync($"/pods/p{i}", Bytes("p"));
            await store.CreateAsync($"/nodes/n{i}", Bytes("n"));
        }

        var during = await etcd.EtcdWatchersAsync();
        var seen = await Task.WhenAll(watches);

        Assert.Equal(1, during - before);
        for (var i = 0; i < seen.Length; i++)
        {
            var expected = i % 3 == 0 ? 20 : 10;
            Assert.Equal(expected, seen[i].Count);
            Assert.Equal(seen[i].Select(e => e.Kv.ModRevision).Order(), seen[i].Select(e => e.Kv.ModRevision));
            Assert.All(seen[i], e => Assert.StartsWith(i % 3 == 0 ? "/" : i % 3 == 1 ? "/pods/" : "/nodes/", e.Kv.Key, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task WatchAsync_FromBeforeTheKeptHistory_GetsAnEtcdWatchOfItsOwnAndMissesNothing()
    {
        await using var test = await etcd.OpenSharedWatchAsync(historyEvents: 4);
        var store = test.Store;
        var live = TakeAsync(store.WatchAsync("/", test.Base), 10);
        for (var i = 0; i < 10; i++)
        {
            await store.CreateAsync($"/k{i}", Bytes("v"));
        }

        await live;
        var floor = ((EtcdStore)store).SharedWatchFloor;
        Assert.True(floor > test.Rev(1), $"the history should have moved past the first events (floor {floor})");

        // From revision 1: six events are no longer in memory, so this one is etcd's own, and complete.
        var late = await TakeAsync(store.WatchAsync("/", test.Rev(1)), 9);
        Assert.Equal(Enumerable.Range(2, 9).Select(i => test.Rev(i)), late.Select(e => e.Kv.ModRevision));

        // From inside the kept history: served from memory, equally complete.
        var recent = await TakeAsync(store.WatchAsync("/", test.Rev(7)), 3);
        Assert.Equal([test.Rev(8), test.Rev(9), test.Rev(10)], recent.Select(e => e.Kv.ModRevision));
    }
}
