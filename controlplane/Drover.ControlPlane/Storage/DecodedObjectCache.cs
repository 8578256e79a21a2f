using System.Collections.Concurrent;
using Drover.Api;
using Drover.Store;

namespace Drover.ControlPlane.Storage;

/// <summary>
/// Decodes each stored revision once for every reader in droverd. The store hands the same committed bytes to
/// the shared informers, the garbage collector's watch, every REST watch and the read-back of an update; each used
/// to decode them on its own, which made JSON decoding about a fifth of droverd's CPU with 1,000 hollow nodes
/// (docs/BENCHMARKS.md). Objects are immutable records, so one decoded instance can be shared. Entries are keyed
/// by key and revision, so they never go stale. The cache is bounded in entries and in bytes (old revisions go
/// first), and <see cref="TrimIdle"/> lets go of entries no reader asked for lately: after a burst of large objects
/// the cache must not keep hundreds of megabytes for readers that are long done (docs/BENCHMARKS.md, "Memory that
/// comes back").
/// </summary>
public sealed class DecodedObjectCache
{
    // Each entry holds a decoded object and, once a watcher asked, its JSON (~5 KB for a pod). The newest revisions
    // are mostly the informers' own objects (no extra memory); the bounds limit the older ones. Readers follow within
    // a few hundred revisions; one further behind only pays a decode again.
    private const int MaxEntries = 2048;
    private const long KeepRevisions = 1024;

    /// <summary>The byte bound when none is given: 2,048 pods of ~5 KB fit; 100 KB objects are limited to ~100.</summary>
    public const long DefaultMaxBytes = 32L * 1024 * 1024;

    // A decoded object keeps its strings as UTF-16 inside records and dictionaries: about three times its stored JSON.
    private const int DecodedBytesPerStoredByte = 3;
    private const int EntryOverheadBytes = 200;

    private readonly ConcurrentDictionary<(string Key, long Revision), Entry> _entries = new();
    private readonly long _maxBytes;
    private readonly TimeProvider _time;
    private long _bytes;
    private long _newestRevision;
    private int _pruning;

    public DecodedObjectCache(long maxBytes = DefaultMaxBytes, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        _maxBytes = maxBytes;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>One stored revision: decoded on first use (by one reader; the others wait for it), JSON on first ask.</summary>
    public sealed class Entry
    {
        private readonly ResourceType _type;
        private readonly DecodedObjectCache _cache;
        private readonly Lock _gate = new();
        // Dropped once decoded: the stored bytes are not needed again, and 2,048 of them are megabytes.
        private KeyValue? _kv;
        private KubeObject? _object;
        private byte[]? _json;
        private bool _removed;
        private long _lastUsedTicks;

        internal Entry(ResourceType type, KeyValue kv, DecodedObjectCache cache)
        {
            _type = type;
            _kv = kv;
            _cache = cache;
            Bytes = EntryOverheadBytes + (kv.Key.Length * 2L) + ((long)kv.Value.Length * DecodedBytesPerStoredByte);
            Touch();
        }

        /// <summary>What this entry is counted as against the cache's byte bound (an estimate of what it holds).</summary>
        internal long Bytes { get; private set; }

        internal long LastUsedTicks => Volatile.Read(ref _lastUsedTicks);

        internal void Touch() => Volatile.Write(ref _lastUsedTicks, _cache._time.GetUtcNow().UtcTicks);

        /// <summary>Taken out of the cache: returns the bytes it was counted as (once), so a later JSON is not counted.</summary>
        internal long MarkRemoved()
        {
            lock (_gate)
            {
                if (_removed)
                    return 0;
                _removed = true;
                return Bytes;
            }
        }

        public KubeObject Object
        {
            get
            {
                if (Volatile.Read(ref _object) is { } decoded)
                    return decoded;
                lock (_gate)
                {
                    if (_object is null)
                    {
                        _object = ObjectStore.Decode(_type, _kv!.Value, _kv.ModRevision);
                        _kv = null;
                    }
                    return _object;
                }
            }
        }

        internal bool IsDecoded => Volatile.Read(ref _object) is not null;

        /// <summary>The object with its resourceVersion as the API serves it (the stored bytes carry none).</summary>
        public byte[] Json
        {
            get
            {
                if (Volatile.Read(ref _json) is { } made)
                    return made;
                var obj = Object;
                byte[] json;
                bool over;
                lock (_gate)
                {
                    if (_json is not null)
                        return _json;
                    json = _type.SerializeToUtf8Bytes(obj);
                    Bytes += json.Length;
                    // Counted under the gate, so a concurrent removal subtracts exactly what was added.
                    over = !_removed && _cache.AddBytes(json.Length);
                    _json = json;
                }
                if (over)
                    _cache.PruneIfOver();
                return json;
            }
        }
    }

    /// <summary>Entries kept now (for tests of the bounds).</summary>
    internal int Count => _entries.Count;

    /// <summary>What the kept entries are counted as, in bytes.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>The entry for <paramref name="kv"/>; decoding happens on the first read of <see cref="Entry.Object"/>.</summary>
    public Entry Get(ResourceType type, KeyValue kv)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(kv);
        var id = (kv.Key, kv.ModRevision);
        if (_entries.TryGetValue(id, out var cached))
        {
            cached.Touch();
            return cached;
        }
        var fresh = new Entry(type, kv, this);
        var entry = _entries.GetOrAdd(id, fresh);
        if (ReferenceEquals(entry, fresh))
            Interlocked.Add(ref _bytes, fresh.Bytes);
        InterlockedMax(ref _newestRevision, kv.ModRevision);
        PruneIfOver();
        return entry;
    }

    /// <summary>The decoded object; a value that does not decode throws every time and is not kept.</summary>
    public KubeObject Decode(ResourceType type, KeyValue kv)
    {
        var entry = Get(type, kv);
        try
        {
            return entry.Object;
        }
        catch (System.Text.Json.JsonException)
        {
            Remove((kv.Key, kv.ModRevision), entry);
            throw;
        }
    }

    /// <summary>
    /// Only the metadata, for a reader that needs nothing else (the garbage collector sees every write, most of them
    /// Events and Leases that no other reader decodes): the shared object when some reader already decoded this
    /// revision, else a read of the metadata alone that skips spec and status. Nothing is added to the cache.
    /// </summary>
    public ObjectMeta Metadata(KeyValue kv)
    {
        ArgumentNullException.ThrowIfNull(kv);
        if (_entries.TryGetValue((kv.Key, kv.ModRevision), out var cached) && cached.IsDecoded)
            return cached.Object.Metadata;
        return ObjectStore.DecodeMetadata(kv.Value.Span, kv.ModRevision);
    }

    /// <summary>
    /// Drops every entry no reader asked for within <paramref name="idle"/>. The readers that share an entry ask for
    /// it within moments of each other (one commit's fan-out), so an entry idle for seconds only holds memory.
    /// </summary>
    public int TrimIdle(TimeSpan idle)
    {
        var cutoff = (_time.GetUtcNow() - idle).UtcTicks;
        var removed = 0;
        foreach (var (id, entry) in _entries)
        {
            if (entry.LastUsedTicks < cutoff && Remove(id, entry))
                removed++;
        }
        return removed;
    }

    /// <summary>Adds to the bytes counted; true when that went past the bound.</summary>
    private bool AddBytes(long bytes) => Interlocked.Add(ref _bytes, bytes) > _maxBytes;

    private void PruneIfOver()
    {
        if (_entries.Count > MaxEntries || Interlocked.Read(ref _bytes) > _maxBytes)
            Prune();
    }

    private bool Remove((string, long) id, Entry entry)
    {
        if (!_entries.TryRemove(new KeyValuePair<(string, long), Entry>(id, entry)))
            return false;
        Interlocked.Add(ref _bytes, -entry.MarkRemoved());
        return true;
    }

    private void Prune()
    {
        // One pruner at a time; the others just carry on.
        if (Interlocked.Exchange(ref _pruning, 1) == 1)
            return;
        try
        {
            var cutoff = Volatile.Read(ref _newestRevision) - KeepRevisions;
            foreach (var (id, entry) in _entries)
            {
                if (id.Revision < cutoff)
                    Remove(id, entry);
            }
            if (_entries.Count <= MaxEntries && Interlocked.Read(ref _bytes) <= _maxBytes)
                return;

            // Still over a bound: the oldest revisions go until a quarter of room is free, so the next few adds do
            // not prune again.
            var targetEntries = MaxEntries * 3 / 4;
            var targetBytes = _maxBytes * 3 / 4;
            foreach (var (id, entry) in _entries.ToArray().OrderBy(pair => pair.Key.Revision))
            {
                if (_entries.Count <= targetEntries && Interlocked.Read(ref _bytes) <= targetBytes)
                    break;
                Remove(id, entry);
            }
        }
        finally
        {
            Volatile.Write(ref _pruning, 0);
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
                return;
            current = seen;
        }
    }
}
