using System.Threading.Channels;

namespace Drover.Store;

/// <summary>
/// One watcher's live feed. Bounded in events and in bytes, so a stuck consumer costs at most its buffer: when either
/// bound is reached the feed ends with <see cref="StoreWatchOverflowException"/> instead of blocking the writer or
/// dropping events, and what the consumer had not read yet is let go at once (a consumer stuck for good would
/// otherwise keep it alive). The byte bound is what matters with large values: 10,000 events of 100 KB objects are
/// 2 GB (docs/BENCHMARKS.md, "Memory that comes back").
/// </summary>
internal sealed class WatchSubscription
{
    // The key, the record and the channel's node, beside the values themselves.
    private const int EventOverheadBytes = 160;

    private readonly Channel<StoreEvent> _channel;
    private readonly int _maxEvents;
    private readonly long _maxBytes;
    private int _count;
    private long _bytes;

    public WatchSubscription(string prefix, int maxEvents, long maxBytes)
    {
        Prefix = prefix;
        _maxEvents = maxEvents;
        _maxBytes = maxBytes;
        // Multi-reader only so that an overflow can drop the unread events from the writer's side.
        _channel = Channel.CreateUnbounded<StoreEvent>(new UnboundedChannelOptions
        {
            SingleReader = false,
            SingleWriter = true,
            AllowSynchronousContinuations = false,
        });
    }

    public string Prefix { get; }

    public bool Overflowed { get; private set; }

    /// <summary>Events buffered and not read yet (for tests of the bounds).</summary>
    internal int Count => Volatile.Read(ref _count);

    /// <summary>Bytes held by the buffered events (for tests of the bounds).</summary>
    internal long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Only called under the hub's lock, which is what makes the single-writer promise hold.</summary>
    public bool TryDeliver(StoreEvent storeEvent)
    {
        var size = SizeOf(storeEvent);
        var count = Volatile.Read(ref _count);
        // One event is always taken, however large: a value the store accepted must reach a watcher that keeps up.
        if (count >= _maxEvents || (count > 0 && Interlocked.Read(ref _bytes) + size > _maxBytes))
        {
            Overflowed = true;
            _channel.Writer.TryComplete(new StoreWatchOverflowException());
            while (TryRead(out _))
            {
            }

            return false;
        }

        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _bytes, size);
        _channel.Writer.TryWrite(storeEvent);
        return true;
    }

    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken) => _channel.Reader.WaitToReadAsync(cancellationToken);

    public bool TryRead(out StoreEvent storeEvent)
    {
        if (!_channel.Reader.TryRead(out storeEvent!))
        {
            return false;
        }

        Interlocked.Decrement(ref _count);
        Interlocked.Add(ref _bytes, -SizeOf(storeEvent));
        return true;
    }

    public void Complete() => _channel.Writer.TryComplete();

    /// <summary>Ends the feed with <paramref name="error"/> once the consumer has read what is buffered.</summary>
    public void Fail(Exception error) => _channel.Writer.TryComplete(error);

    /// <summary>What an event holds in memory: its values, key and bookkeeping (every watch buffer's measure).</summary>
    internal static long SizeOf(StoreEvent storeEvent) =>
        EventOverheadBytes + storeEvent.Kv.Value.Length + (storeEvent.PrevKv?.Value.Length ?? 0) + (storeEvent.Kv.Key.Length * 2L);
}
