using System.Threading.Channels;

namespace Drover.Store;

/// <summary>
/// One watcher's live feed. Bounded so a stuck consumer costs at most its buffer; when full, the feed is completed
/// with <see cref="StoreWatchOverflowException"/> instead of blocking the writer or dropping events.
/// </summary>
internal sealed class WatchSubscription
{
    private readonly Channel<StoreEvent> _channel;

    public WatchSubscription(string prefix, int capacity)
    {
        Prefix = prefix;
        _channel = Channel.CreateBounded<StoreEvent>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = true,
            AllowSynchronousContinuations = false,
        });
    }

    public string Prefix { get; }

    public ChannelReader<StoreEvent> Reader => _channel.Reader;

    public bool Overflowed { get; private set; }

    /// <summary>Only called under the hub's lock, which is what makes the single-writer promise hold.</summary>
    public bool TryDeliver(StoreEvent storeEvent)
    {
        if (_channel.Writer.TryWrite(storeEvent))
        {
            return true;
        }

        Overflowed = true;
        _channel.Writer.TryComplete(new StoreWatchOverflowException());
        return false;
    }

    public void Complete() => _channel.Writer.TryComplete();
}
