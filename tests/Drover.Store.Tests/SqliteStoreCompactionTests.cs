using static Drover.Store.Tests.WatchAssert;
using static Drover.Store.Tests.StoreTestValues;

namespace Drover.Store.Tests;

public sealed class SqliteStoreCompactionTests
{
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
