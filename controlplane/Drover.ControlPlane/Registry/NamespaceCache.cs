using System.Collections.Concurrent;
using Drover.Api;
using Drover.ControlPlane.Storage;
using Microsoft.Extensions.Hosting;

namespace Drover.ControlPlane.Registry;

/// <summary>
/// The namespaces as this replica's own watch of the store last saw them, for the create-time namespace check on a
/// remote store (etcd): there a read per create is a network round trip that queues behind the writes in flight, and
/// Kubernetes' NamespaceLifecycle admission trusts its informer cache in the same way. Only an active namespace is
/// answered from here; one missing, terminating, or asked before the first list (or after the watch broke) is left
/// to a read of the store, so a namespace created a moment ago is never refused. Not used on the embedded store, where
/// the read is a local one and exact.
/// </summary>
public sealed partial class NamespaceCache(ObjectStore objects, TimeProvider time, ILogger<NamespaceCache> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, bool> _terminating = new(StringComparer.Ordinal);
    private volatile bool _synced;

    /// <summary>True when the watch has <paramref name="ns"/> and it is not being deleted; false means "ask the store".</summary>
    public bool IsActive(string ns) => _synced && _terminating.TryGetValue(ns, out var terminating) && !terminating;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListAndWatchAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is ApiException or ObjectDisposedException)
            {
                // A 410 (compacted or too far behind) or the store away: list again, reads answer meanwhile.
                LogRelist(logger, e.Message);
            }
            finally
            {
                _synced = false;
            }
            await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task ListAndWatchAsync(CancellationToken ct)
    {
        var (items, revision, _) = await objects.ListValuesAsync(ResourceTypes.Namespaces, null, null, 0, share: false, ct).ConfigureAwait(false);
        _terminating.Clear();
        foreach (var item in items)
            _terminating[item.Metadata.Name ?? ""] = item.Metadata.DeletionTimestamp is not null;
        _synced = true;
        await foreach (var ev in objects.WatchAsync(ResourceTypes.Namespaces, null, revision, ct).ConfigureAwait(false))
        {
            var name = ev.Current.Metadata.Name ?? "";
            if (ev.Kind == StorageEventKind.Deleted)
                _terminating.TryRemove(name, out _);
            else
                _terminating[name] = ev.Current.Metadata.DeletionTimestamp is not null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "namespace cache: listing again after {Reason}")]
    private static partial void LogRelist(ILogger logger, string reason);
}
