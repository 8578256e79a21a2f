using static Drover.Store.Tests.StoreTestValues;
using static Drover.Store.Tests.WatchAssert;

namespace Drover.Store.Tests;

/// <summary>What only the embedded store does: bounded watcher buffers in memory, and a writer that drains on close.</summary>
public sealed class SqliteStoreWatchTests
{
    [Fact]
    public async Task WatchAsync_SlowConsumer_ThrowsOverflowAfterContiguousEventsWithoutBlockingWriters()
    {
        await using var test = await TestStore.CreateAsync(new SqliteStoreOptions { WatchBufferSize = 8 });
        var store = test.Store;
        await using var watch = store.WatchAsync("/", 0).GetAsyncEnumerator();
        var firstMove = watch.MoveNextAsync();

        // Every write completes although the watcher reads nothing: writers never wait for watchers.
        for (var i = 0; i < 50; i++)
        {
            await store.CreateAsync($"/k{i:D2}", Bytes("x"));
        }

        Assert.True(await firstMove);
        var revisions = new List<long> { watch.Current.Kv.ModRevision };
        await Assert.ThrowsAsync<StoreWatchOverflowException>(async () =>
        {
            while (await watch.MoveNextAsync())
            {
                revisions.Add(watch.Current.Kv.ModRevision);
            }
        });

        // What was delivered before the overflow has no gap.
        Assert.Equal(Enumerable.Range(1, revisions.Count).Select(i => (long)i), revisions);
        Assert.True(revisions.Count < 50);

        // A fresh watch from where it stopped still gets the rest.
        var rest = await TakeAsync(store.WatchAsync("/", revisions[^1]), 50 - revisions.Count);
        Assert.Equal(50, rest[^1].Kv.ModRevision);
    }

    [Fact]
    public async Task WatchAsync_SlowConsumerOfLargeValues_OverflowsAtTheByteBound()
    {
        await using var test = await TestStore.CreateAsync(new SqliteStoreOptions { WatchBufferBytes = 1024 * 1024 });
        var store = test.Store;
        await using var watch = store.WatchAsync("/", 0).GetAsyncEnumerator();
        var firstMove = watch.MoveNextAsync();

        var value = new byte[100 * 1024];
        for (var i = 0; i < 50; i++)
        {
            await store.CreateAsync($"/k{i:D2}", value);
        }

        Assert.True(await firstMove);
        var revisions = new List<long> { watch.Current.Kv.ModRevision };
        await Assert.ThrowsAsync<StoreWatchOverflowException>(async () =>
        {
            while (await watch.MoveNextAsync())
            {
                revisions.Add(watch.Current.Kv.ModRevision);
            }
        });

        // 1 MiB holds about ten 100 KB values, far fewer than the 10,000 events of the count bound.
        Assert.Equal(Enumerable.Range(1, revisions.Count).Select(i => (long)i), revisions);
        Assert.InRange(revisions.Count, 1, 12);
    }

    [Fact]
    public async Task WatchAsync_CatchUpOverLargeValues_ReadsSmallPagesAndMissesNothing()
    {
        await using var test = await TestStore.CreateAsync(new SqliteStoreOptions { WatchCatchUpPageBytes = 1000 });
        var store = test.Store;
        for (var i = 0; i < 25; i++)
        {
            await store.CreateAsync($"/k{i:D2}", new byte[600]);
        }

        // Pages of two rows (the second one crosses 1,000 bytes), 13 of them.
        var events = await TakeAsync(store.WatchAsync("/", 0), 25);

        Assert.Equal(Enumerable.Range(1, 25).Select(i => (long)i), events.Select(e => e.Kv.ModRevision));
    }

    [Fact]
    public async Task DisposeAsync_PendingWrites_AreCommittedBeforeClose()
    {
        await using var test = await TestStore.CreateAsync();
        var writes = Enumerable.Range(0, 100).Select(i => test.Store.CreateAsync($"/p/{i:D3}", Bytes("x"))).ToArray();

        await test.Store.DisposeAsync();

        Assert.All(writes, w => Assert.True(w.IsCompletedSuccessfully));
        await test.ReopenAsync();
        Assert.Equal(100, await test.Store.CountAsync("/p/"));
    }
}
