namespace Drover.Store.Tests;

public sealed class WatchSubscriptionTests
{
    private static StoreEvent Put(string key, int bytes, long revision) =>
        new(StoreEventType.Put, new KeyValue(key, new byte[bytes], revision, revision), null);

    [Fact]
    public void TryDeliver_PastTheByteBound_OverflowsAndLetsGoOfWhatWasNotRead()
    {
        var subscription = new WatchSubscription("/", maxEvents: 10_000, maxBytes: 1024 * 1024);

        var delivered = 0;
        while (subscription.TryDeliver(Put("/k", 100 * 1024, delivered + 1)))
            delivered++;

        // About ten 100 KB values fit in 1 MiB; then the feed ends, and nothing it held is kept.
        Assert.InRange(delivered, 9, 10);
        Assert.True(subscription.Overflowed);
        Assert.Equal(0, subscription.Count);
        Assert.Equal(0, subscription.Bytes);
        Assert.False(subscription.TryRead(out _));
    }

    [Fact]
    public async Task TryDeliver_OneValueLargerThanTheBound_IsStillDelivered()
    {
        var subscription = new WatchSubscription("/", maxEvents: 10, maxBytes: 1024);

        Assert.True(subscription.TryDeliver(Put("/big", 64 * 1024, 1)));

        Assert.True(await subscription.WaitToReadAsync(CancellationToken.None));
        Assert.True(subscription.TryRead(out var read));
        Assert.Equal(1, read.Kv.ModRevision);
        Assert.Equal(0, subscription.Bytes);
    }

    [Fact]
    public async Task TryRead_AfterOverflow_WaitThrowsOverflow()
    {
        var subscription = new WatchSubscription("/", maxEvents: 2, maxBytes: long.MaxValue);
        Assert.True(subscription.TryDeliver(Put("/a", 1, 1)));
        Assert.True(subscription.TryDeliver(Put("/b", 1, 2)));

        Assert.False(subscription.TryDeliver(Put("/c", 1, 3)));

        await Assert.ThrowsAsync<StoreWatchOverflowException>(async () => await subscription.WaitToReadAsync(CancellationToken.None));
    }
}
