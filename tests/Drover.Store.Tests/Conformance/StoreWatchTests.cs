using static Drover.Store.Tests.StoreTestValues;
using static Drover.Store.Tests.WatchAssert;

namespace Drover.Store.Tests;

public abstract class StoreWatchTests : StoreConformanceTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>A store for the catch-up race (SQLite: tiny catch-up pages, so log reads race with live publication).</summary>
    protected virtual Task<StoreUnderTest> OpenCatchUpStoreAsync() => OpenAsync();

    [Fact]
    public async Task WatchAsync_FromZero_ReplaysHistoryWithPreviousValues()
    {
        await using var test = await OpenAsync();
        var store = test.Store;
        await store.CreateAsync("/a", Bytes("1"));
        await store.UpdateAsync("/a", Bytes("2"), test.Rev(1));
        await store.DeleteAsync("/a");
        await store.CreateAsync("/a", Bytes("3"));

        var events = await TakeAsync(store.WatchAsync("/", test.Base), 4);

        Assert.Equal([StoreEventType.Put, StoreEventType.Put, StoreEventType.Delete, StoreEventType.Put], events.Select(e => e.Type));
        Assert.Equal([test.Rev(1), test.Rev(2), test.Rev(3), test.Rev(4)], events.Select(e => e.Kv.ModRevision));
        Assert.Null(events[0].PrevKv);
        Assert.Equal("1", Text(events[1].PrevKv!.Value));
        Assert.Equal(test.Rev(1), events[1].PrevKv!.ModRevision);
        Assert.Equal(test.Rev(1), events[1].Kv.CreateRevision);

        var delete = events[2];
        Assert.Equal("2", Text(delete.Kv.Value));
        Assert.Equal(test.Rev(1), delete.Kv.CreateRevision);
        Assert.Equal("2", Text(delete.PrevKv!.Value));
        Assert.Equal(test.Rev(2), delete.PrevKv.ModRevision);

        Assert.Null(events[3].PrevKv);
        Assert.Equal(test.Rev(4), events[3].Kv.CreateRevision);
    }

    [Fact]
    public async Task WatchAsync_LiveEvents_MatchWhatTheWriterReturned()
    {
        await using var test = await OpenAsync();
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
        await using var test = await OpenCatchUpStoreAsync();
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
        while (store.CurrentRevision < test.Rev(400) && writers.Any(w => !w.IsCompleted))
        {
            await Task.Delay(1);
        }

        const int From = 100;
        var total = 200 + (4 * 150 * 2);
        var watch = TakeAsync(store.WatchAsync("/w/", test.Rev(From)), total - From);
        await Task.WhenAll(writers);
        var events = await watch;

        Assert.Equal(Enumerable.Range(From + 1, total - From).Select(i => test.Rev(i)), events.Select(e => e.Kv.ModRevision));
        Assert.All(events.Where(e => e.PrevKv is not null), e =>
        {
            Assert.Equal("1", Text(e.PrevKv!.Value));
            Assert.Equal(e.Kv.CreateRevision, e.PrevKv.CreateRevision);
            Assert.True(e.PrevKv.ModRevision < e.Kv.ModRevision);
        });
        Assert.Equal(test.Rev(total), store.CurrentRevision);
    }

    [Fact]
    public async Task WatchAsync_Prefix_DeliversOnlyKeysUnderPrefix()
    {
        await using var test = await OpenAsync();
        var store = test.Store;
        await store.CreateAsync("/pods/a", Bytes("x"));
        await store.CreateAsync("/podsx", Bytes("x"));
        var watch = TakeAsync(store.WatchAsync("/pods/", test.Base), 2);
        await store.CreateAsync("/nodes/n", Bytes("x"));
        await store.CreateAsync("/pods/b", Bytes("x"));

        var events = await watch;

        Assert.Equal(["/pods/a", "/pods/b"], events.Select(e => e.Kv.Key));
    }

    [Fact]
    public async Task WatchAsync_FromAboveCurrentRevision_SkipsEarlierEvents()
    {
        await using var test = await OpenAsync();
        var store = test.Store;
        var watch = TakeAsync(store.WatchAsync("/", test.Rev(2)), 1);

        await store.CreateAsync("/a", Bytes("x"));
        await store.CreateAsync("/b", Bytes("x"));
        await store.CreateAsync("/c", Bytes("x"));

        Assert.Equal("/c", Assert.Single(await watch).Kv.Key);
    }

    [Fact]
    public async Task WatchAsync_BelowCompactedRevision_ThrowsCompactedBeforeYielding()
    {
        await using var test = await OpenAsync();
        var store = test.Store;
        for (var i = 0; i < 5; i++)
        {
            await store.CreateAsync($"/k{i}", Bytes("x"));
        }

        await store.CompactAsync(test.Rev(3));

        var exception = await Assert.ThrowsAsync<StoreCompactedException>(() => TakeAsync(store.WatchAsync("/", test.Rev(2)), 1));
        Assert.Equal(test.Rev(3), exception.CompactedRevision);
        var events = await TakeAsync(store.WatchAsync("/", test.Rev(3)), 2);
        Assert.Equal([test.Rev(4), test.Rev(5)], events.Select(e => e.Kv.ModRevision));
    }

    [Fact]
    public async Task WatchAsync_StoreDisposed_EnumerationEnds()
    {
        await using var test = await OpenAsync();
        await using var watch = test.Store.WatchAsync("/", test.Base).GetAsyncEnumerator();
        var move = watch.MoveNextAsync();

        await test.Store.DisposeAsync();

        Assert.False(await move.AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task WatchAsync_Cancelled_ThrowsOperationCanceled()
    {
        await using var test = await OpenAsync();
        using var cancellation = new CancellationTokenSource();
        await using var watch = test.Store.WatchAsync("/", test.Base, cancellation.Token).GetAsyncEnumerator();
        var move = watch.MoveNextAsync();

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => move.AsTask().WaitAsync(Timeout));
    }
}
