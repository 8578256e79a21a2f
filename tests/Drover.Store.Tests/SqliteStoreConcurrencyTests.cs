using Microsoft.Data.Sqlite;
using static Drover.Store.Tests.StoreTestValues;

namespace Drover.Store.Tests;

public sealed class SqliteStoreConcurrencyTests
{
    [Fact]
    public async Task CreateAsync_SixteenConcurrentWriters_AllSucceedWithDistinctContiguousRevisions()
    {
        const int Writers = 16;
        const int PerWriter = 200;
        await using var test = await TestStore.CreateAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            var created = new List<KeyValue>(PerWriter);
            for (var i = 0; i < PerWriter; i++)
            {
                created.Add(await test.Store.CreateAsync($"/load/{w:D2}/{i:D4}", Bytes("v")));
            }

            return created;
        })));

        var revisions = results.SelectMany(r => r).Select(kv => kv.ModRevision).Order().ToList();
        Assert.Equal(Enumerable.Range(1, Writers * PerWriter).Select(i => (long)i), revisions);
        Assert.Equal(Writers * PerWriter, test.Store.CurrentRevision);
        Assert.Equal(Writers * PerWriter, await test.Store.CountAsync("/load/"));

        // Each writer awaits its own writes in order, so its revisions must rise.
        foreach (var writer in results)
        {
            Assert.Equal(writer.Select(kv => kv.ModRevision).Order(), writer.Select(kv => kv.ModRevision));
        }

        // Group commit: far fewer transactions than writes.
        Assert.True(test.Store.CommittedBatches < Writers * PerWriter, $"{test.Store.CommittedBatches} batches");
    }

    [Fact]
    public async Task WriteBatch_OneOperationConflicts_OnlyThatOneFailsAndLaterOnesSeeEarlierEffects()
    {
        await using var test = await TestStore.CreateAsync();
        var store = test.Store;
        var existing = await store.CreateAsync("/a", Bytes("a"));
        var batchesBefore = store.CommittedBatches;

        // Hold SQLite's write lock from outside so the writer stalls on its first batch while the rest queue up
        // behind it and are then committed together.
        var blocker = new SqliteConnection($"Data Source={test.DatabasePath};Pooling=False");
        await blocker.OpenAsync();
        var transaction = blocker.BeginTransaction(deferred: false);
        var first = store.CreateAsync("/first", Bytes("f"));
        await WaitUntilAsync(() => store.PendingWrites == 0);

        var createX = store.CreateAsync("/b/x", Bytes("x1"));
        var updateX = store.UpdateAsync("/b/x", Bytes("x2"), existing.ModRevision + 2);
        var staleUpdate = store.UpdateAsync("/a", Bytes("nope"), 999);
        var duplicate = store.CreateAsync("/a", Bytes("dup"));
        var missing = store.DeleteAsync("/b/missing");
        var createY = store.CreateAsync("/b/y", Bytes("y"));
        var deleteX = store.DeleteAsync("/b/x", existing.ModRevision + 3);
        await Task.Delay(50);
        Assert.False(first.IsCompleted);

        transaction.Rollback();
        await blocker.DisposeAsync();

        Assert.Equal(2, (await first).ModRevision);
        Assert.Equal(3, (await createX).ModRevision);
        Assert.Equal(4, (await updateX).ModRevision);
        var conflict = await Assert.ThrowsAsync<StoreConflictException>(() => staleUpdate);
        Assert.Equal(existing.ModRevision, conflict.Current.ModRevision);
        await Assert.ThrowsAsync<StoreKeyExistsException>(() => duplicate);
        await Assert.ThrowsAsync<StoreKeyNotFoundException>(() => missing);
        Assert.Equal(5, (await createY).ModRevision);
        var deleted = await deleteX;
        Assert.Equal(6, deleted.ModRevision);
        Assert.Equal("x2", Text(deleted.Value));

        Assert.Equal(batchesBefore + 2, store.CommittedBatches);
        Assert.Equal(6, store.CurrentRevision);
        Assert.Equal("a", Text((await store.GetAsync("/a"))!.Value));
        Assert.Null(await store.GetAsync("/b/x"));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached");
            await Task.Delay(5);
        }
    }
}
