using static Drover.Store.Tests.WatchAssert;
using static Drover.Store.Tests.StoreTestValues;

namespace Drover.Store.Tests;

public abstract class StoreCompactionTests : StoreConformanceTests
{
    [Fact]
    public async Task CompactAsync_ToCurrentRevision_KeepsCurrentValues()
    {
        await using var test = await OpenAsync();
        var store = test.Store;
        await store.CreateAsync("/a", Bytes("a1"));
        await store.UpdateAsync("/a", Bytes("a2"), 0);
        await store.CreateAsync("/b", Bytes("b"));
        await store.DeleteAsync("/b");
        await store.CreateAsync("/c", Bytes("c"));

        await store.CompactAsync(store.CurrentRevision);

        Assert.Equal(test.Rev(5), store.CompactedRevision);
        var a = await store.GetAsync("/a");
        Assert.Equal("a2", Text(a!.Value));
        Assert.Equal(test.Rev(1), a.CreateRevision);
        Assert.Equal(test.Rev(2), a.ModRevision);
        Assert.Null(await store.GetAsync("/b"));
        Assert.Equal(["/a", "/c"], (await store.ListAsync("/")).Items.Select(i => i.Key));
        Assert.Equal(2, await store.CountAsync("/"));
        Assert.Equal(test.Rev(6), (await store.UpdateAsync("/a", Bytes("a3"), test.Rev(2))).ModRevision);
    }

    [Fact]
    public async Task CompactAsync_ThenWatchFromCompactedRevision_StillCarriesPreviousValues()
    {
        await using var test = await OpenAsync();
        var store = test.Store;
        await store.CreateAsync("/a", Bytes("a1"));
        await store.CreateAsync("/b", Bytes("b1"));
        await store.UpdateAsync("/a", Bytes("a2"), 0);
        await store.CompactAsync(test.Rev(3));
        await store.UpdateAsync("/a", Bytes("a3"), 0);
        await store.DeleteAsync("/b");

        var events = await TakeAsync(store.WatchAsync("/", test.Rev(3)), 2);

        Assert.Equal("a2", Text(events[0].PrevKv!.Value));
        Assert.Equal(test.Rev(3), events[0].PrevKv!.ModRevision);
        Assert.Equal(StoreEventType.Delete, events[1].Type);
        Assert.Equal("b1", Text(events[1].Kv.Value));
        Assert.Equal(test.Rev(5), events[1].Kv.ModRevision);
        Assert.Equal(test.Rev(2), events[1].PrevKv!.ModRevision);
    }

    [Fact]
    public async Task CompactAsync_RepeatedAndOlderRevisions_NeverMovesBackwards()
    {
        await using var test = await OpenAsync();
        var store = test.Store;
        for (var i = 0; i < 6; i++)
        {
            await store.CreateAsync($"/k{i}", Bytes("x"));
        }

        await store.CompactAsync(test.Rev(4));
        await store.CompactAsync(test.Rev(2));
        await store.CompactAsync(test.Rev(4));

        Assert.Equal(test.Rev(4), store.CompactedRevision);
        await Assert.ThrowsAsync<StoreCompactedException>(() => TakeAsync(store.WatchAsync("/", test.Rev(2)), 1));
    }

    [Fact]
    public async Task CompactAsync_AboveCurrentRevision_ThrowsArgumentOutOfRange()
    {
        await using var test = await OpenAsync();
        await test.Store.CreateAsync("/a", Bytes("x"));

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => test.Store.CompactAsync(test.Rev(2)));
    }
}
