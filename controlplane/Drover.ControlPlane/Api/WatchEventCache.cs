using System.Collections.Concurrent;
using Drover.Api;
using Drover.ControlPlane.Storage;
using Drover.Store;

namespace Drover.ControlPlane.Api;

/// <summary>
/// Decodes and encodes each stored revision once for all watchers: with 100 watchers on pods, every
/// event used to be decoded and re-serialized 100 times, which made fan-out CPU-bound (see
/// docs/BENCHMARKS.md). Entries are keyed by key and revision, so they never go stale; old revisions
/// are pruned once the cache grows past a bound.
/// </summary>
public sealed class WatchEventCache
{
    // Each entry holds a decoded object and its JSON (~5 KB for a pod), so the bound is memory: at 8,192 entries the
    // cache alone held ~40 MB during the 10,000-pod hollow-node run. Watchers follow within a few hundred revisions;
    // one further behind only pays a decode and an encode again.
    private const int MaxEntries = 2048;
    private const long KeepRevisions = 1024;

    private readonly ConcurrentDictionary<(string Key, long Revision), Entry> _entries = new();
    private long _newestRevision;
    private int _pruning;

    public sealed record Entry(KubeObject Object, byte[] Json);

    public Entry Get(ResourceType type, KeyValue kv)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(kv);
        if (_entries.TryGetValue((kv.Key, kv.ModRevision), out var cached))
            return cached;
        var obj = ObjectStore.Decode(type, kv.Value, kv.ModRevision);
        var entry = new Entry(obj, type.SerializeToUtf8Bytes(obj));
        _entries.TryAdd((kv.Key, kv.ModRevision), entry);
        InterlockedMax(ref _newestRevision, kv.ModRevision);
        if (_entries.Count > MaxEntries)
            Prune();
        return entry;
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
