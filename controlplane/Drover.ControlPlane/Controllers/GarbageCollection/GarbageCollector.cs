using System.Threading.Channels;
using Drover.Api;
using Drover.ControlPlane.Registry;

namespace Drover.ControlPlane.Controllers.GarbageCollection;

/// <summary>
/// Deletes objects whose owners are all gone (ownerReferences, background propagation), releases the dependents of
/// an object deleted with propagationPolicy Orphan (then removes its orphan finalizer, which completes its deletion),
/// and deletes the content of deleted namespaces. Level-triggered: at start it checks every object, so a crash
/// between an owner's deletion and its dependents' never leaves orphans behind.
/// </summary>
public sealed partial class GarbageCollector : BackgroundService
{
    private readonly ObjectService _objects;
    private readonly ILogger<GarbageCollector> _logger;
    private readonly OwnerIndex _index = new();
    private readonly Channel<WorkItem> _queue = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleReader = true });

    public GarbageCollector(ObjectService objects, ILogger<GarbageCollector> logger)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(logger);
        _objects = objects;
        _logger = logger;
    }

    /// <summary>Removes the ownerReference to <paramref name="ownerUid"/> from every dependent the index knows.</summary>
    private async Task OrphanDependentsAsync(string ownerUid, CancellationToken ct)
    {
        foreach (var dependent in _index.DependentsOf(ownerUid))
        {
            // Someone else may write it meanwhile: a conflict reads again and retries.
            await ConflictRetry.RetryOnConflictAsync(async token =>
            {
                var current = await _objects.GetAsync(dependent.Type, dependent.Namespace, dependent.Name, token).ConfigureAwait(false);
                if (current is null || current.Metadata.OwnerReferences?.Any(r => r.Uid == ownerUid) != true)
                    return;
                var refs = current.Metadata.OwnerReferences.Where(r => r.Uid != ownerUid).ToList();
                var released = current with { Metadata = current.Metadata with { OwnerReferences = refs is { Count: > 0 } ? refs : null } };
                await _objects.UpdateAsync(dependent.Type, released, current, statusOnly: false, token).ConfigureAwait(false);
                _index.Put(dependent, released.Metadata);
            }, maxAttempts: 6, ct).ConfigureAwait(false);
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
            var list = await _objects.ListAsync(type, null, null, 0, null, share: false, ct).ConfigureAwait(false);
            revision = Math.Min(revision, list.Revision);
            foreach (var item in list.Items)
                Observe(ObjectEventType.Added, type, item.Metadata);
        }
        return revision == long.MaxValue ? 0 : revision;
    }

    private async Task WatchAsync(long fromRevision, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await foreach (var ev in _objects.WatchAsync(null, null, fromRevision, ct).ConfigureAwait(false))
                {
                    fromRevision = ev.Revision;
                    // Ownership is all metadata: no need to decode (or wait for) a whole object.
                    Observe(ev.Type, ev.Current.Type, ev.Current.Metadata);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (ApiException e) when (e.Status.Code == 410)
            {
                // Fell behind: rebuild from a fresh list, which also re-checks every object.
                LogResync(_logger, e.Message);
                _index.Clear();
                fromRevision = await LoadAsync(ct).ConfigureAwait(false);
            }
        }
    }

    private void Observe(ObjectEventType type, ResourceType resource, ObjectMeta meta)
    {
        var reference = ObjectRef.Of(resource, meta);
        if (type != ObjectEventType.Deleted)
        {
            _index.Put(reference, meta);
            if (meta.OwnerReferences is { Count: > 0 })
                _queue.Writer.TryWrite(WorkItem.Collect(reference));
            if (meta.DeletionTimestamp is not null && meta.Finalizers?.Contains(PropagationPolicies.OrphanFinalizer) == true)
                _queue.Writer.TryWrite(WorkItem.Orphan(reference));
            return;
        }
        _index.Remove(reference, meta);
        foreach (var dependent in _index.DependentsOf(meta.Uid))
            _queue.Writer.TryWrite(WorkItem.Collect(dependent));
        if (resource == ResourceTypes.Namespaces)
            _queue.Writer.TryWrite(WorkItem.Purge(reference.Name));
    }

    private async Task WorkAsync(CancellationToken ct)
    {
        await foreach (var item in _queue.Reader.ReadAllAsync(ct).ConfigureAwait(false))
        {
            try
            {
                if (item.Namespace is not null)
                    await PurgeNamespaceAsync(item.Namespace, ct).ConfigureAwait(false);
                else if (item.Orphaning)
                    await OrphanAsync(item.Object!, ct).ConfigureAwait(false);
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

    /// <summary>
    /// Honours the orphan finalizer: releases every dependent of <paramref name="owner"/>, then removes the finalizer,
    /// which completes the owner's deletion when it was the last one.
    /// </summary>
    private async Task OrphanAsync(ObjectRef owner, CancellationToken ct)
    {
        var current = await _objects.GetAsync(owner.Type, owner.Namespace, owner.Name, ct).ConfigureAwait(false);
        if (current?.Metadata is not { DeletionTimestamp: not null, Uid: { } uid } meta || meta.Finalizers?.Contains(PropagationPolicies.OrphanFinalizer) != true)
            return;
        await OrphanDependentsAsync(uid, ct).ConfigureAwait(false);
        var finalizers = meta.Finalizers.Where(f => f != PropagationPolicies.OrphanFinalizer).ToList();
        var released = current with { Metadata = meta with { Finalizers = finalizers.Count > 0 ? finalizers : null } };
        // A conflict (someone wrote the owner meanwhile) fails this item; the retry reads it again.
        await _objects.UpdateAsync(owner.Type, released, current, statusOnly: false, ct).ConfigureAwait(false);
        LogOrphaned(_logger, owner.ToString());
    }

    private async Task DeleteAsync(ObjectRef reference, CancellationToken ct)
    {
        try
        {
            await _objects.DeleteAsync(reference.Type, reference.Namespace, reference.Name, gracePeriodSeconds: null, ct).ConfigureAwait(false);
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
            var list = await _objects.ListAsync(type, ns, null, 0, null, share: false, ct).ConfigureAwait(false);
            foreach (var item in list.Items)
                await DeleteAsync(ObjectRef.Of(type, item.Metadata), ct).ConfigureAwait(false);
        }
    }

    /// <summary>One thing to do: collect a dependent whose owners may be gone, orphan an owner's dependents, or purge a namespace.</summary>
    private sealed class WorkItem
    {
        private WorkItem(ObjectRef? obj, string? ns, bool orphaning)
        {
            Object = obj;
            Namespace = ns;
            Orphaning = orphaning;
        }

        public static WorkItem Collect(ObjectRef dependent) => new(dependent, null, orphaning: false);
        public static WorkItem Orphan(ObjectRef owner) => new(owner, null, orphaning: true);
        public static WorkItem Purge(string ns) => new(null, ns, orphaning: false);

        public ObjectRef? Object { get; }
        public string? Namespace { get; }
        public bool Orphaning { get; }
        public int Attempts { get; set; }
        public override string ToString() => (Orphaning ? "orphan " : "") + (Object?.ToString() ?? $"namespace/{Namespace}");
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Garbage collector deleted {Object}: its owners are gone")]
    private static partial void LogDeleted(ILogger logger, string @object);

    [LoggerMessage(EventId = 13, Level = LogLevel.Information, Message = "Garbage collector orphaned the dependents of {Object} (propagationPolicy Orphan)")]
    private static partial void LogOrphaned(ILogger logger, string @object);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Garbage collector failed on {Item}; will retry")]
    private static partial void LogFailure(ILogger logger, Exception exception, string item);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "Garbage collector resynchronising: {Reason}")]
    private static partial void LogResync(ILogger logger, string reason);
}
