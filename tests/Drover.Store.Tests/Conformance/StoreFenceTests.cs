using static Drover.Store.Tests.StoreTestValues;

namespace Drover.Store.Tests;

/// <summary>Fenced writes: applied while the fence key stands still, refused (and nothing written) once it moved.</summary>
public abstract class StoreFenceTests : StoreConformanceTests
{
    [Fact]
    public async Task Writes_FenceUnchanged_AreApplied()
    {
        await using var test = await OpenAsync();
        var store = test.Store;
        var fenceKv = await store.CreateAsync("/leader/fence", Bytes("replica-1"));
        var fence = new StoreFence("/leader/fence", fenceKv.ModRevision);

        var created = await store.CreateAsync("/a", Bytes("1"), fence);
        var updated = await store.UpdateAsync("/a", Bytes("2"), created.ModRevision, fence);
        var deleted = await store.DeleteAsync("/a", updated.ModRevision, fence);

        Assert.Equal(test.Rev(2), created.ModRevision);
        Assert.Equal(test.Rev(3), updated.ModRevision);
        Assert.Equal(test.Rev(4), deleted.ModRevision);
        Assert.Null(await store.GetAsync("/a"));
    }

    [Fact]
    public async Task Writes_FenceMovedOn_AreRefusedAndWriteNothing()
    {
        await using var test = await OpenAsync();
        var store = test.Store;
        var fenceKv = await store.CreateAsync("/leader/fence", Bytes("replica-1"));
        var oldLeader = new StoreFence("/leader/fence", fenceKv.ModRevision);
        var a = await store.CreateAsync("/a", Bytes("1"), oldLeader);

        // Another replica takes over: it rewrites the fence key.
        var takeover = await store.UpdateAsync("/leader/fence", Bytes("replica-2"), fenceKv.ModRevision);

        var create = await Assert.ThrowsAsync<StoreFencedException>(() => store.CreateAsync("/b", Bytes("1"), oldLeader));
        var update = await Assert.ThrowsAsync<StoreFencedException>(() => store.UpdateAsync("/a", Bytes("2"), a.ModRevision, oldLeader));
        var delete = await Assert.ThrowsAsync<StoreFencedException>(() => store.DeleteAsync("/a", a.ModRevision, oldLeader));

        Assert.All([create, update, delete], e => Assert.Equal(takeover.ModRevision, e.CurrentModRevision));
        Assert.Equal(oldLeader, create.Fence);
        Assert.Null(await store.GetAsync("/b"));
        Assert.Equal("1", Text((await store.GetAsync("/a"))!.Value));
        Assert.Equal(takeover.ModRevision, store.CurrentRevision);

        // The new leader's fence works.
        var newLeader = new StoreFence("/leader/fence", takeover.ModRevision);
        Assert.Equal("2", Text((await store.UpdateAsync("/a", Bytes("2"), a.ModRevision, newLeader)).Value));
    }

    [Fact]
    public async Task CreateAsync_FenceKeyMissing_IsRefused()
    {
        await using var test = await OpenAsync();

        var refused = await Assert.ThrowsAsync<StoreFencedException>(
            () => test.Store.CreateAsync("/a", Bytes("1"), new StoreFence("/leader/none", test.Rev(1))));

        Assert.Equal(0, refused.CurrentModRevision);
        Assert.Null(await test.Store.GetAsync("/a"));
    }

    [Fact]
    public async Task UpdateAsync_FencedAndStale_ReportsTheFence()
    {
        await using var test = await OpenAsync();
        var store = test.Store;
        var fenceKv = await store.CreateAsync("/leader/fence", Bytes("replica-1"));
        var a = await store.CreateAsync("/a", Bytes("1"));
        await store.UpdateAsync("/leader/fence", Bytes("replica-2"), fenceKv.ModRevision);

        await Assert.ThrowsAsync<StoreFencedException>(
            () => store.UpdateAsync("/a", Bytes("2"), a.ModRevision + 100, new StoreFence("/leader/fence", fenceKv.ModRevision)));
    }
}
