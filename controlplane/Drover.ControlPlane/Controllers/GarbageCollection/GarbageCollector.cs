using System.Threading.Channels;
using Drover.Api;
using Drover.ControlPlane.Api;
using Drover.ControlPlane.Storage;
using Drover.Store;
using Drover.ControlPlane.Registry;

namespace Drover.ControlPlane.Controllers.GarbageCollection;

/// <summary>
/// Deletes objects whose owners are all gone (ownerReferences, background propagation) and the content
/// of deleted namespaces. Level-triggered: at start it checks every object, so a crash between an
/// owner's deletion and its dependents' never leaves orphans behind.
/// </summary>
public sealed partial class GarbageCollector : BackgroundService
{
    private readonly ObjectStore _objects;
    private readonly ObjectDeleter _deleter;
    private readonly ILogger<GarbageCollector> _logger;
    private readonly OwnerIndex _index = new();
    private readonly Channel<WorkItem> _queue = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleReader = true });

    public GarbageCollector(ObjectStore objects, ObjectDeleter deleter, ILogger<GarbageCollector> logger)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(deleter);
        ArgumentNullException.ThrowIfNull(logger);
        _objects = objects;
        _deleter = deleter;
        _logger = logger;
    }

    /// <summary>Removes the ownerReference to <paramref name="ownerUid"/> from every dependent (propagationPolicy=Orphan).</summary>
    public async Task OrphanDependentsAsync(string ownerUid, CancellationToken ct)
    {
        foreach (var dependent in _index.DependentsOf(ownerUid))
        {
            for (var attempt = 0; ; attempt++)
            {
                var current = await _objects.GetAsync(dependent.Type, dependent.Namespace, dependent.Name, ct).ConfigureAwait(false);
                if (current is null)
                    break;
                var refs = current.Metadata.OwnerReferences?.Where(r => r.Uid != ownerUid).ToList();
                var released = current with { Metadata = current.Metadata with { OwnerReferences = refs is { Count: > 0 } ? refs : null } };
                try
                {
                    await _objects.UpdateAsync(dependent.Type, released, ObjectStore.ParseResourceVersion(current), ct).ConfigureAwait(false);
                    _index.Put(dependent, released.Metadata);
                    break;
                }
                catch (ApiException) when (attempt < 5)
                {
                    // Someone else wrote it meanwhile: read again and retry.
                }
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var startRevision = await LoadAsync(stoppingToken).ConfigureAwait(false);
        var watching = WatchAsync(startRevision, stoppingToken);
        var working = WorkAsync(stoppingToken);
        await Task.WhenAll(watching, working).ConfigureAwait(false);
    }

    private async Task<long> LoadAsync(CancellationToken ct)
    {
        long revision = long.MaxValue;
        foreach (var type in ResourceTypes.All)
        {
            var list = await _objects.ListRawAsync(type, null, null, 0, ct).ConfigureAwait(false);
            revision = Math.Min(revision, list.Revision);
            foreach (var kv in list.Items)
            {
                var obj = ObjectStore.Decode(type, kv.Value, kv.ModRevision);
                var reference = ObjectRef.Of(type, obj.Metadata);
                _index.Put(reference, obj.Metadata);
                if (obj.Metadata.OwnerReferences is { Count: > 0 })
                    _queue.Writer.TryWrite(new WorkItem(reference, null));
            }
        }
        return revision == long.MaxValue ? 0 : revision;
    }

    private async Task WatchAsync(long fromRevision, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await foreach (var ev in _objects.Raw.WatchAsync(StoreKeys.Root, fromRevision, ct).ConfigureAwait(false))
                {
                    fromRevision = ev.Kv.ModRevision;
                    Observe(ev);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is StoreCompactedException or StoreWatchOverflowException)
            {
                // Fell behind: rebuild from a fresh list, which also re-checks every object.
                LogResync(_logger, e.Message);
                _index.Clear();
                fromRevision = await LoadAsync(ct).ConfigureAwait(false);
            }
        }
    }

    private void Observe(StoreEvent ev)
    {
        var type = StoreKeys.TypeOf(ev.Kv.Key);
        if (type is null)
            return;
        // Ownership is all metadata: no need to decode (or wait for) a whole object.
        var meta = _objects.Decoded.Metadata(ev.Kv);
        var reference = ObjectRef.Of(type, meta);
        if (ev.Type == StoreEventType.Put)
        {
            _index.Put(reference, meta);
            if (meta.OwnerReferences is { Count: > 0 })
                _queue.Writer.TryWrite(new WorkItem(reference, null));
            return;
        }
        _index.Remove(reference, meta);
        foreach (var dependent in _index.DependentsOf(meta.Uid))
            _queue.Writer.TryWrite(new WorkItem(dependent, null));
        if (type == ResourceTypes.Namespaces)
            _queue.Writer.TryWrite(new WorkItem(null, reference.Name));
    }

    private async Task WorkAsync(CancellationToken ct)
    {
        await foreach (var item in _queue.Reader.ReadAllAsync(ct).ConfigureAwait(false))
        {
            try
            {
                if (item.Namespace is not null)
                    await PurgeNamespaceAsync(item.Namespace, ct).ConfigureAwait(false);
                else if (item.Object is { } reference && _index.AllOwnersGone(reference))
                    await CollectAsync(reference, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogFailure(_logger, e, item.ToString());
                item.Attempts++;
                if (item.Attempts < 10)
                    _ = RequeueLaterAsync(item, ct);
            }
        }
    }

    private async Task RequeueLaterAsync(WorkItem item, CancellationToken ct)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(100 << Math.Min(item.Attempts, 6)), ct).ConfigureAwait(false);
        _queue.Writer.TryWrite(item);
    }

    /// <summary>
    /// The index says the owners are gone; confirm against the store before deleting anything, as
    /// Kubernetes' collector does, so a stale or rebuilding index can never delete a live dependent.
    /// </summary>
    private async Task CollectAsync(ObjectRef reference, CancellationToken ct)
    {
        var dependent = await _objects.GetAsync(reference.Type, reference.Namespace, reference.Name, ct).ConfigureAwait(false);
        if (dependent?.Metadata.OwnerReferences is not { Count: > 0 } owners)
            return;
        foreach (var owner in owners)
        {
            var ownerType = ResourceTypes.FindByKind(owner.Kind);
            if (ownerType is null)
                continue;
            var live = await _objects.GetAsync(ownerType, ownerType.Namespaced ? reference.Namespace : null, owner.Name, ct).ConfigureAwait(false);
            if (live is not null && live.Metadata.Uid == owner.Uid)
                return;
        }
        await DeleteAsync(reference, ct).ConfigureAwait(false);
    }

    private async Task DeleteAsync(ObjectRef reference, CancellationToken ct)
    {
        try
        {
            await _deleter.DeleteAsync(reference.Type, reference.Namespace, reference.Name, null, ct).ConfigureAwait(false);
            LogDeleted(_logger, reference.ToString());
        }
        catch (ApiException e) when (e.Status.Code == 404)
        {
            // Already gone.
        }
    }

    private async Task PurgeNamespaceAsync(string ns, CancellationToken ct)
    {
        foreach (var type in ResourceTypes.All)
        {
            if (!type.Namespaced)
                continue;
            var list = await _objects.ListRawAsync(type, ns, null, 0, ct).ConfigureAwait(false);
            foreach (var kv in list.Items)
            {
                var obj = ObjectStore.Decode(type, kv.Value, kv.ModRevision);
                await DeleteAsync(ObjectRef.Of(type, obj.Metadata), ct).ConfigureAwait(false);
            }
        }
    }

    private sealed class WorkItem(ObjectRef? obj, string? ns)
    {
        public ObjectRef? Object { get; } = obj;
        public string? Namespace { get; } = ns;
        public int Attempts { get; set; }
        public override string ToString() => Object?.ToString() ?? $"namespace/{Namespace}";
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Garbage collector deleted {Object}: its owners are gone")]
    private static partial void LogDeleted(ILogger logger, string @object);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Garbage collector failed on {Item}; will retry")]
    private static partial void LogFailure(ILogger logger, Exception exception, string item);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "Garbage collector resynchronising: {Reason}")]
    private static partial void LogResync(ILogger logger, string reason);
}
