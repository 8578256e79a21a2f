using static Drover.Store.Tests.StoreTestValues;

namespace Drover.Store.Tests;

/// <summary>SQLite's own memory release (idle readers closed); etcd holds no such readers.</summary>
public sealed class SqliteStoreMemoryTests
{
    [Fact]
    public async Task ReleaseMemory_IdleReadersClosed_ReadsAndWatchesGoOn()
    {
        await using var test = await TestStore.CreateAsync();
        var store = test.Store;
        await store.CreateAsync("/a", Bytes("1"));
        Assert.NotNull(await store.GetAsync("/a"));

        store.ReleaseMemory();

        Assert.Equal("1", Text((await store.GetAsync("/a"))!.Value));
        await store.CreateAsync("/b", Bytes("2"));
        Assert.Equal(2, (await store.ListAsync("/")).Items.Count);
        var events = await WatchAssert.TakeAsync(store.WatchAsync("/", 0), 2);
        Assert.Equal([1L, 2L], events.Select(e => e.Kv.ModRevision));
    }
}
