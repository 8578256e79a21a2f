using static Drover.Store.Tests.SqliteStoreWatchTests;
using static Drover.Store.Tests.TestStore;

namespace Drover.Store.Tests;

public sealed class SqliteStoreCompactionTests
{
    [Fact]
    public async Task CompactAsync_ToCurrentRevision_KeepsCurrentValues()
    {
        await using var test = await TestStore.CreateAsync();
        var store = test.Store;
        await store.CreateAsync("/a", Bytes("a1"));
        await store.UpdateAsync("/a", Bytes("a2"), 0);
        await store.CreateAsync("/b", Bytes("b"));
        await store.DeleteAsync("/b");
        await store.CreateAsync("/c", Bytes("c"));

        await store.CompactAsync(store.CurrentRevision);

        Assert.Equal(5, store.CompactedRevision);
        var a = await store.GetAsync("/a");
        Assert.Equal("a2", Text(a!.Value));
        Assert.Equal(1, a.CreateRevision);
        Assert.Equal(2, a.ModRevision);
        Assert.Null(await store.GetAsync("/b"));
        Assert.Equal(["/a", "/c"], (await store.ListAsync("/")).Items.Select(i => i.Key));
        Assert.Equal(2, await store.CountAsync("/"));
        Assert.Equal(6, (await store.UpdateAsync("/a", Bytes("a3"), 2)).ModRevision);
    }

    [Fact]
    public async Task CompactAsync_ThenWatchFromCompactedRevision_StillCarriesPreviousValues()
    {
        await using var test = await TestStore.CreateAsync();
        var store = test.Store;
        await store.CreateAsync("/a", Bytes("a1"));
        await store.CreateAsync("/b", Bytes("b1"));
        await store.UpdateAsync("/a", Bytes("a2"), 0);
        await store.CompactAsync(3);
        await store.UpdateAsync("/a", Bytes("a3"), 0);
        await store.DeleteAsync("/b");

        var events = await TakeAsync(store.WatchAsync("/", 3), 2);

        Assert.Equal("a2", Text(events[0].PrevKv!.Value));
        Assert.Equal(3, events[0].PrevKv!.ModRevision);
        Assert.Equal(StoreEventType.Delete, events[1].Type);
        Assert.Equal("b1", Text(events[1].Kv.Value));
        Assert.Equal(5, events[1].Kv.ModRevision);
        Assert.Equal(2, events[1].PrevKv!.ModRevision);
    }

    [Fact]
    public async Task CompactAsync_RepeatedAndOlderRevisions_NeverMovesBackwards()
    {
        await using var test = await TestStore.CreateAsync();
        var store = test.Store;
        for (var i = 0; i < 6; i++)
        {
            await store.CreateAsync($"/k{i}", Bytes("x"));
        }

        await store.CompactAsync(4);
        await store.CompactAsync(2);
        await store.CompactAsync(4);

        Assert.Equal(4, store.CompactedRevision);
        await Assert.ThrowsAsync<StoreCompactedException>(() => TakeAsync(store.WatchAsync("/", 3), 1));
    }

    [Fact]
    public async Task CompactAsync_AboveCurrentRevision_ThrowsArgumentOutOfRange()
    {
        await using var test = await TestStore.CreateAsync();
        await test.Store.CreateAsync("/a", Bytes("x"));

        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = test.Store.CompactAsync(2); });
    }

    [Fact]
    public async Task CompactAsync_WithManyUpdates_TrimsSupersededHistory()
    {
        await using var test = await TestStore.CreateAsync();
        var store = test.Store;
        await store.CreateAsync("/a", Bytes("0"));
        for (var i = 1; i <= 50; i++)
        {
            await store.UpdateAsync("/a", Bytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture)), 0);
        }

        await store.CompactAsync(store.CurrentRevision);
        await test.ReopenAsync();

        // Only the row holding the current value survives: it is what the next update's event will cite as previous.
        Assert.Equal(1, await CountLogRowsAsync(test.DatabasePath));
        var update = await test.Store.UpdateAsync("/a", Bytes("51"), 0);
        var events = await TakeAsync(test.Store.WatchAsync("/", 51), 1);
        Assert.Equal("50", Text(events[0].PrevKv!.Value));
        Assert.Equal(update.ModRevision, events[0].Kv.ModRevision);
    }

    private static async Task<long> CountLogRowsAsync(string databasePath)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={databasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM log";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
