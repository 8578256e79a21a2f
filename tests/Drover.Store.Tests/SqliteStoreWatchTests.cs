using static Drover.Store.Tests.TestStore;

namespace Drover.Store.Tests;

public sealed class SqliteStoreWatchTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task WatchAsync_FromZero_ReplaysHistoryWithPreviousValues()
    {
        await using var test = await TestStore.CreateAsync();
        var store = test.Store;
        await store.CreateAsync("/a", Bytes("1"));
        await store.UpdateAsync("/a", Bytes("2"), 1);
        await store.DeleteAsync("/a");
        await store.CreateAsync("/a", Bytes("3"));

        var events = await TakeAsync(store.WatchAsync("/", 0), 4);

        Assert.Equal([StoreEventType.Put, StoreEventType.Put, StoreEventType.Delete, StoreEventType.Put], events.Select(e => e.Type));
        Assert.Equal([1L, 2L, 3L, 4L], events.Select(e => e.Kv.ModRevision));
        Assert.Null(events[0].PrevKv);
        Assert.Equal("1", Text(events[1].PrevKv!.Value));
        Assert.Equal(1, events[1].PrevKv!.ModRevision);
        Assert.Equal(1, events[1].Kv.CreateRevision);

        var delete = events[2];
        Assert.Equal("2", Text(delete.Kv.Value));
        Assert.Equal(1, delete.Kv.CreateRevision);
        Assert.Equal("2", Text(delete.PrevKv!.Value));
        Assert.Equal(2, delete.PrevKv.ModRevision);

        Assert.Null(events[3].PrevKv);
        Assert.Equal(4, events[3].Kv.CreateRevision);
    }

    [Fact]
    public async Task WatchAsync_LiveEvents_MatchWhatTheWriterReturned()
    {
        await using var test = await TestStore.CreateAsync();
        var store = test.Store;
        var watch = TakeAsync(store.WatchAsync("/", store.CurrentRevision), 3);

        var created = await store.CreateAsync("/a", Bytes("1"));
        var updated = await store.UpdateAsync("/a", Bytes("2"), created.ModRevision);
        var deleted = await store.DeleteAsync("/a", updated.ModRevision);
        var events = await watch;

        AssertSameValue(created, events[0].Kv);
        AssertSameValue(updated, events[1].Kv);
        AssertSameValue(created, events[1].PrevKv);
        Assert.Equal(StoreEventType.Delete, events[2].Type);
        AssertSameValue(deleted, events[2].Kv);
        AssertSameValue(updated, events[2].PrevKv);
    }

    [Fact]
    public async Task WatchAsync_CatchUpWhileWritersRun_DeliversEveryRevisionOnceInOrder()
    {
        // A tiny catch-up page forces many log reads racing with live publication.
        await using var test = await TestStore.CreateAsync(new SqliteStoreOptions { WatchCatchUpPageSize = 7 });
        var store = test.Store;
        for (var i = 0; i < 200; i++)
        {
            await store.CreateAsync($"/w/seed/{i:D4}", Bytes("s"));
        }

        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 150; i++)
            {
                var key = $"/w/{w}/{i:D4}";
                var created = await store.CreateAsync(key, Bytes("1"));
                await store.UpdateAsync(key, Bytes("2"), created.ModRevision);
            }
        })).ToArray();

        // Start mid-stream: part of the range is history, part arrives live.
        while (store.CurrentRevision < 400)
        {
            await Task.Delay(1);
        }

        const long From = 100;
        var total = 200 + (4 * 150 * 2);
        var watch = TakeAsync(store.WatchAsync("/w/", From), total - (int)From);
        await Task.WhenAll(writers);
        var events = await watch;

        Assert.Equal(Enumerable.Range((int)From + 1, total - (int)From).Select(i => (long)i), events.Select(e => e.Kv.ModRevision));
        Assert.All(events.Where(e => e.PrevKv is not null), e =>
        {
            Assert.Equal("1", Text(e.PrevKv!.Value));
            Assert.Equal(e.Kv.CreateRevision, e.PrevKv.CreateRevision);
            Assert.True(e.PrevKv.ModRevision < e.Kv.ModRevision);
        });
        Assert.Equal(total, store.CurrentRevision);
    }

    [Fact]
    public async Task WatchAsync_Prefix_DeliversOnlyKeysUnderPrefix()
    {
        await using var test = await TestStore.CreateAsync();
        var store = test.Store;
        await store.CreateAsync("/pods/a", Bytes("x"));
        await store.CreateAsync("/podsx", Bytes("x"));
        var watch = TakeAsync(store.WatchAsync("/pods/", 0), 2);
        await store.CreateAsync("/nodes/n", Bytes("x"));
        await store.CreateAsync("/pods/b", Bytes("x"));

        var events = await watch;

        Assert.Equal(["/pods/a", "/pods/b"], events.Select(e => e.Kv.Key));
    }

    [Fact]
    public async Task WatchAsync_FromAboveCurrentRevision_SkipsEarlierEvents()
    {
        await using var test = await TestStore.CreateAsync();
        var store = test.Store;
        var watch = TakeAsync(store.WatchAsync("/", 2), 1);

        await store.CreateAsync("/a", Bytes("x"));
        await store.CreateAsync("/b", Bytes("x"));
        await store.CreateAsync("/c", Bytes("x"));

        Assert.Equal("/c", Assert.Single(await watch).Kv.Key);
    }

    [Fact]
    public async Task WatchAsync_BelowCompactedRevision_ThrowsCompactedBeforeYielding()
    {
        await using var test = await TestStore.CreateAsync();
        var store = test.Store;
        for (var i = 0; i < 5; i++)
        {
            await store.CreateAsync($"/k{i}", Bytes("x"));
        }

        await store.CompactAsync(3);

        var exception = await Assert.ThrowsAsync<StoreCompactedException>(() => TakeAsync(store.WatchAsync("/", 2), 1));
        Assert.Equal(3, exception.CompactedRevision);
        var events = await TakeAsync(store.WatchAsync("/", 3), 2);
        Assert.Equal([4L, 5L], events.Select(e => e.Kv.ModRevision));
    }

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
    public async Task WatchAsync_StoreDisposed_EnumerationEnds()
    {
        await using var test = await TestStore.CreateAsync();
        await using var watch = test.Store.WatchAsync("/", 0).GetAsyncEnumerator();
        var move = watch.MoveNextAsync();

        await test.Store.DisposeAsync();

        Assert.False(await move.AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task WatchAsync_Cancelled_ThrowsOperationCanceled()
    {
        await using var test = await TestStore.CreateAsync();
        using var cancellation = new CancellationTokenSource();
        await using var watch = test.Store.WatchAsync("/", 0, cancellation.Token).GetAsyncEnumerator();
        var move = watch.MoveNextAsync();

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => move.AsTask().WaitAsync(Timeout));
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

    internal static void AssertSameValue(KeyValue expected, KeyValue? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Key, actual.Key);
        Assert.Equal(expected.CreateRevision, actual.CreateRevision);
        Assert.Equal(expected.ModRevision, actual.ModRevision);
        Assert.Equal(expected.Value.ToArray(), actual.Value.ToArray());
    }

    internal static async Task<List<StoreEvent>> TakeAsync(IAsyncEnumerable<StoreEvent> watch, int count)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var events = new List<StoreEvent>(count);
        await foreach (var storeEvent in watch.WithCancellation(timeout.Token))
        {
            events.Add(storeEvent);
            if (events.Count == count)
            {
                break;
            }
        }

        return events;
    }
}
