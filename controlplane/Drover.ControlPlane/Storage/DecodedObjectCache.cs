using System.Collections.Concurrent;
using Drover.Api;
using Drover.Store;

namespace Drover.ControlPlane.Storage;

/// <summary>
/// Decodes each stored revision once for every reader in droverd. The store hands the same committed bytes to
/// the shared informers, the garbage collector's watch, every REST watch and the read-back of an update; each used
/// to decode them on its own, which made JSON decoding about a fifth of droverd's CPU with 1,000 hollow nodes
/// (docs/BENCHMARKS.md). Objects are immutable records, so one decoded instance can be shared. Entries are keyed
/// by key and revision, so they never go stale; old revisions are pruned once the cache grows past a bound.
/// </summary>
public sealed class DecodedObjectCache
{
    // Each entry holds a decoded object and, once a watcher asked, its JSON (~5 KB for a pod). The newest revisions
    // are mostly the informers' own objects (no extra memory); the bound limits the older ones. Readers follow within
    // a few hundred revisions; one further behind only pays a decode again.
    private const int MaxEntries = 2048;
    private const long KeepRevisions = 1024;

    private readonly ConcurrentDictionary<(string Key, long Revision), Entry> _entries = new();
    private long _newestRevision;
    private int _pruning;

    /// <summary>One stored revision: decoded on first use (by one reader; the others wait for it), JSON on first ask.</summary>
    public sealed class Entry
    {
        private readonly ResourceType _type;
        private readonly Lock _gate = new();
        // Dropped once decoded: the stored bytes are not needed again, and 2,048 of them are megabytes.
        private KeyValue? _kv;
        private KubeObject? _object;
        private byte[]? _json;

        internal Entry(ResourceType type, KeyValue kv)
        {
            _type = type;
            _kv = kv;
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
                if (Volatile.Read(ref _json) is { } json)
                    return json;
                var obj = Object;
                lock (_gate)
                    return _json ??= _type.SerializeToUtf8Bytes(obj);
            }
        }
    }

    /// <summary>Entries kept now (for tests of the bound).</summary>
    internal int Count => _entries.Count;

    /// <summary>The entry for <paramref name="kv"/>; decoding happens on the first read of <see cref="Entry.Object"/>.</summary>
    public Entry Get(ResourceType type, KeyValue kv)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(kv);
        var id = (kv.Key, kv.ModRevision);
        if (_entries.TryGetValue(id, out var cached))
            return cached;
        var entry = _entries.GetOrAdd(id, new Entry(type, kv));
        InterlockedMax(ref _newestRevision, kv.ModRevision);
        if (_entries.Count > MaxEntries)
            Prune();
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
            _entries.TryRemove(new KeyValuePair<(string, long), Entry>((kv.Key, kv.ModRevision), entry));
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

    private void Prune()
    {
        // One pruner at a time; the others just carry on.
        if (Interlocked.Exchange(ref _pruning, 1) == 1)
            return;
        try
        {
            var cutoff = Volatile.Read(ref _newestRevision) - KeepRevisions;
            foreach (var key in _entries.Keys)
                if (key.Revision < cutoff)
                    _entries.TryRemove(key, out _);
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
