using System.Runtime.CompilerServices;

namespace Drover.Store.Etcd;

/// <summary>
/// One etcd watch of a prefix (droverd's objects), shared by every watcher under it, as kube-apiserver's watch cache
/// is: each etcd watch stream carries every event of its prefix, so a watcher per informer, per agent and per kubectl
/// would make etcd send each pod event hundreds of times and droverd filter them hundreds of times. Here the events
/// arrive once, fan out through a <see cref="WatchHub"/> (bounded feeds: a watcher that falls behind ends with
/// <see cref="StoreWatchOverflowException"/>, as on SQLite), and the most recent ones are kept so a watcher starting
/// from a revision a little in the past (an informer after its list, a client resuming) catches up from memory. A
/// watcher from before what is kept gets its own etcd watch, exactly as without this.
/// </summary>
internal sealed class EtcdSharedWatch
{
    private readonly EtcdStore _store;
    private readonly string _prefix;
    private readonly int _bufferSize;
    private readonly long _bufferBytes;
    private readonly int _historyEvents;
    private readonly long _historyBytes;
    private readonly Lock _lock = new();
    private Upstream? _upstream;

    public EtcdSharedWatch(EtcdStore store, string prefix, int bufferSize, long bufferBytes, int historyEvents, long historyBytes)
    {
        _store = store;
        _prefix = prefix;
        _bufferSize = bufferSize;
        _bufferBytes = bufferBytes;
        _historyEvents = historyEvents;
        _historyBytes = historyBytes;
    }

    /// <summary>Whether a watch of <paramref name="prefix"/> can be served from the shared one.</summary>
    public bool Covers(string prefix) => prefix.StartsWith(_prefix, StringComparison.Ordinal);

    /// <summary>The oldest revision a watcher may start from and still be served from memory (for tests).</summary>
    internal long? Floor
    {
        get
        {
            lock (_lock)
            {
                return _upstream is { Ended: false } upstream ? upstream.Floor : null;
            }
        }
    }

    public async IAsyncEnumerable<StoreEvent> WatchAsync(string prefix, long fromRevision, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // As an etcd watch of its own would: a start below what this client compacted is gone.
        if (fromRevision < _store.CompactedRevision)
        {
            throw new StoreCompactedException(_store.CompactedRevision);
        }

        WatchSubscription? subscription = null;
        WatchHub? hub = null;
        List<StoreEvent> catchUp = [];
        long subscribedAt = 0;
        lock (_lock)
        {
            // The first watcher (or the first after the shared one ended) starts it from its own revision: informers
            // start together after their lists, so what they ask for is what the next ones ask for too.
            if (_upstream is not { Ended: false })
            {
                _upstream = new Upstream(this, fromRevision);
                _upstream.Start();
            }

            var upstream = _upstream;
            if (fromRevision >= upstream.Floor)
            {
                hub = upstream.Hub;
                (subscription, subscribedAt) = hub.Subscribe(prefix);
                upstream.CopyEventsAfter(prefix, fromRevision, catchUp);
            }
        }

        if (subscription is null)
        {
            await foreach (var storeEvent in new EtcdWatch(_store, prefix, fromRevision).ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return storeEvent;
            }

            yield break;
        }

        try
        {
            foreach (var storeEvent in catchUp)
            {
                yield return storeEvent;
            }

            // Subscribed and copied under one lock: the feed holds exactly what came after the copy.
            var last = Math.Max(fromRevision, subscribedAt);
            while (await subscription.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (subscription.TryRead(out var storeEvent))
                {
                    if (storeEvent.Kv.ModRevision > last)
                    {
                        yield return storeEvent;
                    }
                }
            }
        }
        finally
        {
            hub!.Unsubscribe(subscription);
        }
    }

    /// <summary>One run of the shared etcd watch: its fan-out and the recent events kept for late starters.</summary>
    private sealed class Upstream
    {
        private readonly EtcdSharedWatch _owner;
        private readonly Queue<StoreEvent> _history = new();
        private readonly List<StoreEvent> _one = new(1);
        private long _historyBytes;

        public Upstream(EtcdSharedWatch owner, long fromRevision)
        {
            _owner = owner;
            Floor = fromRevision;
            Hub = new WatchHub(fromRevision, owner._bufferSize, owner._bufferBytes);
        }

        public WatchHub Hub { get; }

        /// <summary>Every event after this revision is in the history (under the owner's lock).</summary>
        public long Floor { get; private set; }

        /// <summary>The etcd watch ended (store closed, cluster unavailable, history compacted): the next watcher starts another.</summary>
        public bool Ended { get; private set; }

        public void Start() => _ = Task.Run(PumpAsync);

        public void CopyEventsAfter(string prefix, long revision, List<StoreEvent> into)
        {
            foreach (var storeEvent in _history)
            {
                if (storeEvent.Kv.ModRevision > revision && storeEvent.Kv.Key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    into.Add(storeEvent);
                }
            }
        }

        private async Task PumpAsync()
        {
            Exception? error = null;
            try
            {
                await foreach (var storeEvent in new EtcdWatch(_owner._store, _owner._prefix, Floor).ReadAsync(CancellationToken.None).ConfigureAwait(false))
                {
                    lock (_owner._lock)
                    {
                        Keep(storeEvent);
                        _one.Clear();
                        _one.Add(storeEvent);
                        // One event per revision (IStore's contract), so a watcher subscribing between two events
                        // never splits a revision.
                        Hub.Publish(_one, storeEvent.Kv.ModRevision);
                    }
                }
            }
            catch (Exception e) when (!_owner._store.Disposing.IsCancellationRequested)
            {
                // Compacted history or an unavailable cluster: every watcher gets what a watch of its own would have.
                error = e;
            }
            catch (Exception)
            {
                // The store closed under the pump (its channels with it): every watch ends, as on SQLite.
            }

            lock (_owner._lock)
            {
                Ended = true;
                _history.Clear();
                if (error is null)
                {
                    Hub.Complete();
                }
                else
                {
                    Hub.Fail(error);
                }
            }
        }

        private void Keep(StoreEvent storeEvent)
        {
            _history.Enqueue(storeEvent);
            _historyBytes += WatchSubscription.SizeOf(storeEvent);
            while (_history.Count > _owner._historyEvents || (_history.Count > 1 && _historyBytes > _owner._historyBytes))
            {
                var dropped = _history.Dequeue();
                _historyBytes -= WatchSubscription.SizeOf(dropped);
                Floor = dropped.Kv.ModRevision;
            }
        }
    }
}
