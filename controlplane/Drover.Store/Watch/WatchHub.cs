namespace Drover.Store;

/// <summary>
/// Fans committed events out to live watchers. Subscribing and publishing share one lock, so a subscriber learns
/// exactly which revision it starts after: everything up to it is in the log, everything after reaches its feed.
/// </summary>
internal sealed class WatchHub
{
    private readonly Lock _lock = new();
    private readonly int _bufferSize;
    private readonly long _bufferBytes;
    private WatchSubscription[] _subscriptions = [];
    private long _publishedRevision;
    private bool _completed;

    public WatchHub(long publishedRevision, int bufferSize, long bufferBytes)
    {
        _publishedRevision = publishedRevision;
        _bufferSize = bufferSize;
        _bufferBytes = bufferBytes;
    }

    /// <summary>Returns the new feed and the last revision published before it; the feed gets every later one.</summary>
    public (WatchSubscription Subscription, long AfterRevision) Subscribe(string prefix)
    {
        var subscription = new WatchSubscription(prefix, _bufferSize, _bufferBytes);
        lock (_lock)
        {
            if (_completed)
            {
                subscription.Complete();
            }
            else
            {
                _subscriptions = [.. _subscriptions, subscription];
            }

            return (subscription, _publishedRevision);
        }
    }

    public void Unsubscribe(WatchSubscription subscription)
    {
        lock (_lock)
        {
            var index = Array.IndexOf(_subscriptions, subscription);
            if (index < 0)
            {
                return;
            }

            var remaining = new WatchSubscription[_subscriptions.Length - 1];
            Array.Copy(_subscriptions, 0, remaining, 0, index);
            Array.Copy(_subscriptions, index + 1, remaining, index, remaining.Length - index);
            _subscriptions = remaining;
        }
    }

    /// <summary>Called by the writer loop after commit, with events in revision order.</summary>
    public void Publish(List<StoreEvent> events, long revision)
    {
        lock (_lock)
        {
            var subscriptions = _subscriptions;
            var overflowed = 0;
            foreach (var subscription in subscriptions)
            {
                foreach (var storeEvent in events)
                {
                    if (storeEvent.Kv.Key.StartsWith(subscription.Prefix, StringComparison.Ordinal)
                        && !subscription.TryDeliver(storeEvent))
                    {
                        overflowed++;
                        break;
                    }
                }
            }

            if (overflowed > 0)
            {
                // The overflowed feeds are already completed; their watchers unsubscribe when they observe it, but
                // dropping them now keeps later publishes from probing dead channels.
                var alive = new List<WatchSubscription>(subscriptions.Length - overflowed);
                foreach (var subscription in subscriptions)
                {
                    if (!subscription.Overflowed)
                    {
                        alive.Add(subscription);
                    }
                }

                _subscriptions = [.. alive];
            }

            _publishedRevision = revision;
        }
    }

    /// <summary>Ends every watch; later subscribers get an already-completed feed.</summary>
    public void Complete() => End(error: null);

    /// <summary>Ends every watch with <paramref name="error"/> (what the source of the events failed with).</summary>
    public void Fail(Exception error) => End(error);

    private void End(Exception? error)
    {
        lock (_lock)
        {
            _completed = true;
            foreach (var subscription in _subscriptions)
            {
                if (error is null)
                {
                    subscription.Complete();
                }
                else
                {
                    subscription.Fail(error);
                }
            }

            _subscriptions = [];
        }
    }
}
