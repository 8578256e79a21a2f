using static Drover.Store.Tests.StoreTestValues;

namespace Drover.Store.Tests;

public abstract class StoreCrudTests : StoreConformanceTests
{
    [Fact]
    public async Task CreateAsync_NewKey_AssignsNextRevisionAndStoresValue()
    {
        await using var test = await OpenAsync();
        var store = test.Store;

        var created = await store.CreateAsync("/a", Bytes("one"));

        Assert.Equal(test.Rev(1), created.CreateRevision);
        Assert.Equal(test.Rev(1), created.ModRevision);
        Assert.Equal(test.Rev(1), store.CurrentRevision);
        var read = await store.GetAsync("/a");
        Assert.NotNull(read);
        Assert.Equal("one", Text(read.Value));
        Assert.Equal(test.Rev(1), read.CreateRevision);
        Assert.Equal(test.Rev(1), read.ModRevision);
    }

    [Fact]
    public async Task CreateAsync_ExistingKey_ThrowsKeyExistsAndConsumesNoRevision()
    {
        await using var test = await OpenAsync();
        await test.Store.CreateAsync("/a", Bytes("one"));

        var exception = await Assert.ThrowsAsync<StoreKeyExistsException>(() => test.Store.CreateAsync("/a", Bytes("two")));

        Assert.Equal("/a", exception.Key);
        Assert.Equal(test.Rev(1), test.Store.CurrentRevision);
        Assert.Equal("one", Text((await test.Store.GetAsync("/a"))!.Value));
    }

    [Fact]
    public async Task CreateAsync_CallerReusesBuffer_StoredValueUnaffected()
    {
        await using var test = await OpenAsync();
        var buffer = Bytes("abc");

        var pending = test.Store.CreateAsync("/a", buffer);
        buffer[0] = (byte)'X';
        var created = await pending;

        Assert.Equal("abc", Text(created.Value));
        Assert.Equal("abc", Text((await test.Store.GetAsync("/a"))!.Value));
    }

    [Fact]
    public async Task CreateAsync_EmptyValue_RoundTripsAsEmpty()
    {
        await using var test = await OpenAsync();

        await test.Store.CreateAsync("/empty", ReadOnlyMemory<byte>.Empty);

        var read = await test.Store.GetAsync("/empty");
        Assert.NotNull(read);
        Assert.Equal(0, read.Value.Length);
    }

    // Lone surrogates are built at run time: attribute arguments are stored as UTF-8, which would replace them.
    [Theory]
    [InlineData("", -1)]
    [InlineData("a", 0)]
    [InlineData("lone", 0xD800)]
    [InlineData("lone", 0xDC00)]
    public async Task CreateAsync_InvalidKey_ThrowsArgumentException(string text, int codeUnit)
    {
        var key = codeUnit < 0 ? text : text + (char)codeUnit + "x";
        await using var test = await OpenAsync();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => test.Store.CreateAsync(key, Bytes("x")));
    }

    [Fact]
    public async Task CreateAsync_NonAsciiKey_RoundTrips()
    {
        await using var test = await OpenAsync();
        const string key = "/ns/ünïcødé/\U0001F600";

        await test.Store.CreateAsync(key, Bytes("x"));

        Assert.NotNull(await test.Store.GetAsync(key));
        var list = await test.Store.ListAsync("/ns/ünïcødé/");
        Assert.Equal(key, Assert.Single(list.Items).Key);
    }

    [Fact]
    public async Task GetAsync_MissingKey_ReturnsNull()
    {
        await using var test = await OpenAsync();

        Assert.Null(await test.Store.GetAsync("/missing"));
    }

    [Fact]
    public async Task GetNearestAsync_UpdatedKey_ReadsTheNewValueWithinTheReplicationDelay()
    {
        await using var test = await OpenAsync();
        await test.Store.CreateAsync("/a", Bytes("one"));
        var updated = await test.Store.UpdateAsync("/a", Bytes("two"), expectedModRevision: 0);

        // A replica may lag the acknowledged write, never by more than its replication delay (here: loopback).
        KeyValue? read = null;
        for (var deadline = DateTime.UtcNow.AddSeconds(5); DateTime.UtcNow < deadline; await Task.Delay(10))
        {
            read = await test.Store.GetNearestAsync("/a");
            if (read?.ModRevision == updated.ModRevision)
                break;
        }

        Assert.NotNull(read);
        Assert.Equal("two", Text(read.Value));
        Assert.Equal(updated.ModRevision, read.ModRevision);
        Assert.Equal(test.Rev(1), read.CreateRevision);
    }

    [Fact]
    public async Task GetNearestAsync_MissingKey_ReturnsNull()
    {
        await using var test = await OpenAsync();

        Assert.Null(await test.Store.GetNearestAsync("/missing"));
    }

    [Fact]
    public async Task GetNearestAsync_InvalidKey_ThrowsArgumentException()
    {
        await using var test = await OpenAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => test.Store.GetNearestAsync("/a\0b"));
    }

    [Fact]
    public async Task UpdateAsync_MatchingRevision_UpdatesValueAndKeepsCreateRevision()
    {
        await using var test = await OpenAsync();
        var created = await test.Store.CreateAsync("/a", Bytes("one"));

        var updated = await test.Store.UpdateAsync("/a", Bytes("two"), created.ModRevision);

        Assert.Equal(created.CreateRevision, updated.CreateRevision);
        Assert.Equal(test.Rev(2), updated.ModRevision);
        var read = await test.Store.GetAsync("/a");
        Assert.Equal("two", Text(read!.Value));
        Assert.Equal(test.Rev(2), read.ModRevision);
    }

    [Fact]
    public async Task UpdateAsync_StaleRevision_ThrowsConflictCarryingCurrent()
    {
        await using var test = await OpenAsync();
        var created = await test.Store.CreateAsync("/a", Bytes("one"));
        await test.Store.UpdateAsync("/a", Bytes("two"), created.ModRevision);

        var conflict = await Assert.ThrowsAsync<StoreConflictException>(
            () => test.Store.UpdateAsync("/a", Bytes("three"), created.ModRevision));

        Assert.Equal("/a", conflict.Key);
        Assert.Equal(test.Rev(2), conflict.Current.ModRevision);
        Assert.Equal("two", Text(conflict.Current.Value));
        Assert.Equal(test.Rev(2), test.Store.CurrentRevision);
    }

    [Fact]
    public async Task UpdateAsync_ZeroExpectedRevision_UpdatesUnconditionally()
    {
        await using var test = await OpenAsync();
        await test.Store.CreateAsync("/a", Bytes("one"));
        await test.Store.UpdateAsync("/a", Bytes("two"), 0);

        var updated = await test.Store.UpdateAsync("/a", Bytes("three"), 0);

        Assert.Equal(test.Rev(3), updated.ModRevision);
        Assert.Equal("three", Text((await test.Store.GetAsync("/a"))!.Value));
    }

    [Fact]
    public async Task UpdateAsync_MissingKey_ThrowsKeyNotFound()
    {
        await using var test = await OpenAsync();

        var exception = await Assert.ThrowsAsync<StoreKeyNotFoundException>(() => test.Store.UpdateAsync("/missing", Bytes("x"), 0));

        Assert.Equal("/missing", exception.Key);
        Assert.Equal(test.Base, test.Store.CurrentRevision);
    }

    [Fact]
    public async Task DeleteAsync_ExistingKey_ReturnsLastValueWithDeleteRevision()
    {
        await using var test = await OpenAsync();
        var created = await test.Store.CreateAsync("/a", Bytes("one"));

        var deleted = await test.Store.DeleteAsync("/a", created.ModRevision);

        Assert.Equal("/a", deleted.Key);
        Assert.Equal("one", Text(deleted.Value));
        Assert.Equal(created.CreateRevision, deleted.CreateRevision);
        Assert.Equal(test.Rev(2), deleted.ModRevision);
        Assert.Null(await test.Store.GetAsync("/a"));
    }

    [Fact]
    public async Task DeleteAsync_StaleRevision_ThrowsConflictAndKeepsKey()
    {
        await using var test = await OpenAsync();
        await test.Store.CreateAsync("/a", Bytes("one"));
        await test.Store.UpdateAsync("/a", Bytes("two"), 0);

        var conflict = await Assert.ThrowsAsync<StoreConflictException>(() => test.Store.DeleteAsync("/a", test.Rev(1)));

        Assert.Equal(test.Rev(2), conflict.Current.ModRevision);
        Assert.NotNull(await test.Store.GetAsync("/a"));
    }

    [Fact]
    public async Task DeleteAsync_MissingKey_ThrowsKeyNotFound()
    {
        await using var test = await OpenAsync();

        await Assert.ThrowsAsync<StoreKeyNotFoundException>(() => test.Store.DeleteAsync("/missing"));
    }

    [Fact]
    public async Task CreateAsync_AfterDelete_StartsNewLifecycle()
    {
        await using var test = await OpenAsync();
        await test.Store.CreateAsync("/a", Bytes("one"));
        await test.Store.DeleteAsync("/a");

        var recreated = await test.Store.CreateAsync("/a", Bytes("again"));

        Assert.Equal(test.Rev(3), recreated.CreateRevision);
        Assert.Equal(test.Rev(3), recreated.ModRevision);
    }

    [Fact]
    public async Task CreateAsync_CanceledToken_IsCanceledAndNotApplied()
    {
        await using var test = await OpenAsync();
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => test.Store.CreateAsync("/a", Bytes("x"), cancellationToken: cancellation.Token));

        Assert.Null(await test.Store.GetAsync("/a"));
        Assert.Equal(test.Base, test.Store.CurrentRevision);
    }

    [Fact]
    public async Task CreateAsync_AfterDispose_ThrowsObjectDisposed()
    {
        await using var test = await OpenAsync();
        await test.Store.DisposeAsync();

        await Assert.ThrowsAnyAsync<ObjectDisposedException>(() => test.Store.CreateAsync("/a", Bytes("x")));
    }
}
