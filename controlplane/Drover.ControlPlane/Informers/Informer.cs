using Drover.Api;
using Drover.ControlPlane.Registry;

namespace Drover.ControlPlane.Informers;

/// <summary>A change the informer saw: <see cref="Old"/> is null for an add, <see cref="New"/> null for a delete.</summary>
public readonly record struct ObjectChange(KubeObject? Old, KubeObject? New)
{
    public KubeObject Latest => New ?? Old!;
}

/// <summary>
/// A watch-fed, read-only cache of one resource type, shared by every controller in droverd (Kubernetes'
/// shared informer): one list, then one registry watch from the list's revision; after a compaction or an
/// overflowed watcher it relists and reports the difference as changes, so handlers never miss a delete.
/// Cached objects are immutable records and must never be modified — build a new one to write.
/// Handlers run on the watch loop: they must be quick (enqueue a key and return).
/// </summary>
public sealed partial class Informer
{
    private readonly ObjectService _objects;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    /// <summary>Held while the cache changes and its handlers hear of it, and while a handler is added (see <see cref="AddHandler"/>).</summary>
    private readonly object _dispatch = new();
    private readonly Dictionary<string, KubeObject> _items = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Index> _indexes = new(StringComparer.Ordinal);
    private readonly List<Action<ObjectChange>> _handlers = [];
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Informer(ResourceType type, ObjectService objects, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(logger);
        Type = type;
        _objects = objects;
        _logger = logger;
    }

    public ResourceType Type { get; }

    /// <summary>Completes once the first list is in the cache (and its adds were handed to the handlers).</summary>
    public Task Synced => _synced.Task;

    /// <summary>The store revision the cache reflects.</summary>
    public long Revision { get; private set; }

    /// <summary>
    /// Registers a handler. One added while the informer already holds objects (a controller that starts when its
    /// replica becomes leader) first gets every cached object as an add, as client-go's AddEventHandler replays the
    /// store: registering and dispatching share <see cref="_dispatch"/>, so it sees each change exactly once — in the
    /// replay or after it.
    /// </summary>
    public void AddHandler(Action<ObjectChange> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_dispatch)
        {
            List<KubeObject> existing;
            lock (_gate)
            {
                _handlers.Add(handler);
                existing = [.. _items.Values];
            }
            foreach (var obj in existing)
                Invoke(handler, new ObjectChange(null, obj));
        }
    }

    /// <summary>Adds a secondary index (e.g. pods by node name); <paramref name="keysOf"/> may return none.</summary>
    public void AddIndex(string name, Func<KubeObject, IEnumerable<string>> keysOf)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(keysOf);
        lock (_gate)
            AddIndexLocked(name, keysOf);
    }

    /// <summary>
    /// Adds the index unless one of that name exists: for well-known indexes (pods by controller) that several
    /// controllers want and that are defined once, in one place, so the same name always means the same keys.
    /// </summary>
    public void EnsureIndex(string name, Func<KubeObject, IEnumerable<string>> keysOf)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(keysOf);
        lock (_gate)
        {
            if (!_indexes.ContainsKey(name))
                AddIndexLocked(name, keysOf);
        }
    }

    private void AddIndexLocked(string name, Func<KubeObject, IEnumerable<string>> keysOf)
    {
        var index = new Index(keysOf);
        foreach (var (key, obj) in _items)
            index.Put(key, obj, null);
        _indexes.Add(name, index);
    }

    public KubeObject? Get(string? ns, string name)
    {
        lock (_gate)
            return _items.GetValueOrDefault(KeyOf(ns, name));
    }

    /// <summary>All cached objects, or those of one namespace.</summary>
    public List<KubeObject> List(string? ns = null)
    {
        lock (_gate)
        {
            var result = new List<KubeObject>(ns is null ? _items.Count : 16);
            foreach (var obj in _items.Values)
            {
                if (ns is null || obj.Metadata.Namespace == ns)
                    result.Add(obj);
            }
            return result;
        }
    }

    public List<KubeObject> ByIndex(string index, string key)
    {
        lock (_gate)
        {
            var result = new List<KubeObject>();
            foreach (var objectKey in _indexes[index].Keys(key))
            {
                if (_items.TryGetValue(objectKey, out var obj))
                    result.Add(obj);
            }
            return result;
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
                return _items.Count;
        }
    }

    public static string KeyOf(string? ns, string name) => ObjectKeys.Of(ns, name);

    public static string KeyOf(KubeObject obj) => KeyOf(obj.Metadata.Namespace, obj.Metadata.Name!);

    /// <summary>The namespace ("" for a cluster-scoped key) and name of a <see cref="KeyOf(string?, string)"/> key.</summary>
    public static (string Namespace, string Name) SplitKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? ("", key) : (key[..slash], key[(slash + 1)..]);
    }

    public async Task RunAsync(CancellationToken ct)
    {
        var revision = await RelistAsync(ct).ConfigureAwait(false);
        _synced.TrySetResult();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await foreach (var ev in _objects.WatchAsync(Type, null, revision, ct).ConfigureAwait(false))
                {
                    revision = ev.Revision;
                    Apply(ev);
                }
                // A watch only ends by itself when the store is closing; do not spin on it.
                await Task.Delay(RetryDelay, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (ApiException e) when (e.Status.Code == 410)
            {
                LogRelist(_logger, Type.Plural, e.Message);
                revision = await RelistAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // Anything else (a store error mid-watch): the informer is shared by every controller, so it
                // must outlive the failure rather than fault the host; a relist puts the cache right again.
                LogWatchFailed(_logger, e, Type.Plural);
                await Task.Delay(RetryDelay, ct).ConfigureAwait(false);
                revision = await RelistAsync(ct).ConfigureAwait(false);
            }
        }
    }

    private static TimeSpan RetryDelay => TimeSpan.FromMilliseconds(200);

    private void Apply(ObjectEvent ev)
    {
        if (TryDecode(ev.Current) is not { } obj)
        {
            Revision = ev.Revision;
            return;
        }
        lock (_dispatch)
            Apply(ev, obj);
    }

    private void Apply(ObjectEvent ev, KubeObject obj)
    {
        var key = KeyOf(obj);
        ObjectChange change;
        lock (_gate)
        {
            _items.TryGetValue(key, out var old);
            if (ev.Type != ObjectEventType.Deleted)
            {
                _items[key] = obj;
                foreach (var index in _indexes.Values)
                    index.Put(key, obj, old);
                change = new ObjectChange(old, obj);
            }
            else
            {
                _items.Remove(key);
                foreach (var index in _indexes.Values)
                    index.Remove(key, old ?? obj);
                change = new ObjectChange(old ?? obj, null);
            }
            Revision = ev.Revision;
        }
        Notify(change);
    }

    /// <summary>Lists the type afresh and reports adds, updates and deletes against the cache.</summary>
    private async Task<long> RelistAsync(CancellationToken ct)
    {
        var backoff = new Drover.Api.Client.Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));
        while (true)
        {
            ObjectListPage list;
            try
            {
                list = await _objects.ListAsync(Type, null, null, 0, null, share: true, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogListFailed(_logger, Type.Plural, e.Message);
                await Task.Delay(backoff.Next(), ct).ConfigureAwait(false);
                continue;
            }

            lock (_dispatch)
                ApplyList(list);
            return list.Revision;
        }
    }

    /// <summary>Puts a fresh list into the cache and reports adds, updates and deletes against what was there.</summary>
    private void ApplyList(ObjectListPage list)
    {
        var changes = new List<ObjectChange>();
        lock (_gate)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in list.Items)
            {
                if (TryDecode(item) is not { } obj)
                    continue;
                var key = KeyOf(obj);
                seen.Add(key);
                _items.TryGetValue(key, out var old);
                if (old is not null && old.Metadata.ResourceVersion == obj.Metadata.ResourceVersion)
                    continue;
                _items[key] = obj;
                foreach (var index in _indexes.Values)
                    index.Put(key, obj, old);
                changes.Add(new ObjectChange(old, obj));
            }
            foreach (var (key, old) in _items.Where(kv => !seen.Contains(kv.Key)).ToList())
            {
                _items.Remove(key);
                foreach (var index in _indexes.Values)
                    index.Remove(key, old);
                changes.Add(new ObjectChange(old, null));
            }
            Revision = list.Revision;
        }
        foreach (var change in changes)
            Notify(change);
    }

    /// <summary>One undecodable value (written by an older or broken version) must not stop the cache for every other object.</summary>
    private KubeObject? TryDecode(StoredObject stored)
    {
        try
        {
            return stored.Object;
        }
        catch (ApiException e)
        {
            LogUndecodable(_logger, Type.Plural, e.Message);
            return null;
        }
    }

    private void Notify(ObjectChange change)
    {
        Action<ObjectChange>[] handlers;
        lock (_gate)
            handlers = [.. _handlers];
        foreach (var handler in handlers)
            Invoke(handler, change);
    }

    private void Invoke(Action<ObjectChange> handler, ObjectChange change)
    {
        try
        {
            handler(change);
        }
        catch (Exception e)
        {
            LogHandlerFailed(_logger, e, Type.Plural);
        }
    }

    private sealed class Index(Func<KubeObject, IEnumerable<string>> keysOf)
    {
        private readonly Dictionary<string, HashSet<string>> _entries = new(StringComparer.Ordinal);

        public void Put(string objectKey, KubeObject obj, KubeObject? old)
        {
            if (old is not null)
                Remove(objectKey, old);
            foreach (var key in keysOf(obj))
            {
                if (!_entries.TryGetValue(key, out var set))
                    _entries[key] = set = new HashSet<string>(StringComparer.Ordinal);
                set.Add(objectKey);
            }
        }

        public void Remove(string objectKey, KubeObject old)
        {
            foreach (var key in keysOf(old))
            {
                if (_entries.TryGetValue(key, out var set) && set.Remove(objectKey) && set.Count == 0)
                    _entries.Remove(key);
            }
        }

        public IEnumerable<string> Keys(string key) =>
            _entries.TryGetValue(key, out var set) ? [.. set] : [];
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning, Message = "Informer for {Type} relisting: {Reason}")]
    private static partial void LogRelist(ILogger logger, string type, string reason);

    [LoggerMessage(EventId = 31, Level = LogLevel.Warning, Message = "Informer for {Type} could not list: {Reason}; retrying")]
    private static partial void LogListFailed(ILogger logger, string type, string reason);

    [LoggerMessage(EventId = 32, Level = LogLevel.Error, Message = "A handler of the {Type} informer failed")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string type);

    [LoggerMessage(EventId = 33, Level = LogLevel.Warning, Message = "Informer for {Type}: watch failed; relisting")]
    private static partial void LogWatchFailed(ILogger logger, Exception exception, string type);

    [LoggerMessage(EventId = 34, Level = LogLevel.Error, Message = "Informer skipped {Key}: it does not decode ({Reason})")]
    private static partial void LogUndecodable(ILogger logger, string key, string reason);
}
