namespace Drover.ControlPlane.Controllers;

/// <summary>
/// What a controller has asked for and not yet seen in its cache (Kubernetes' UIDTrackingControllerExpectations).
/// After creating 3 pods a ReplicaSet must not sync again until the informer shows them, or a burst of events
/// would create 3 more. Expectations lapse after <see cref="Timeout"/> so a lost watch event cannot wedge a key.
/// Thread-safe: informer handlers lower them while workers raise them.
/// </summary>
public sealed class Expectations
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public Expectations(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <summary>True when the controller may act on <paramref name="key"/>: nothing pending, or pending for too long.</summary>
    public bool Satisfied(string key)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out var entry))
                return true;
            return (entry.Adds <= 0 && entry.Deletes.Count == 0) || _time.GetUtcNow() - entry.SetAt > Timeout;
        }
    }

    public void ExpectCreations(string key, int count)
    {
        lock (_lock)
            _entries[key] = new Entry(_time.GetUtcNow()) { Adds = count };
    }

    /// <summary>Expects the pods named by <paramref name="podKeys"/> ("namespace/name") to disappear.</summary>
    public void ExpectDeletions(string key, IEnumerable<string> podKeys)
    {
        ArgumentNullException.ThrowIfNull(podKeys);
        lock (_lock)
        {
            var entry = new Entry(_time.GetUtcNow());
            entry.Deletes.UnionWith(podKeys);
            _entries[key] = entry;
        }
    }

    public void CreationObserved(string key)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var entry))
                entry.Adds--;
        }
    }

    public void DeletionObserved(string key, string podKey)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var entry))
                entry.Deletes.Remove(podKey);
        }
    }

    public void Delete(string key)
    {
        lock (_lock)
            _entries.Remove(key);
    }

    /// <summary>Pending (creations, deletions) for <paramref name="key"/>, for logs and tests.</summary>
    public (int Adds, int Deletes) Pending(string key)
    {
        lock (_lock)
            return _entries.TryGetValue(key, out var entry) ? (Math.Max(entry.Adds, 0), entry.Deletes.Count) : (0, 0);
    }

    private sealed class Entry(DateTimeOffset setAt)
    {
        public DateTimeOffset SetAt { get; } = setAt;
        public int Adds { get; set; }
        public HashSet<string> Deletes { get; } = new(StringComparer.Ordinal);
    }
}
