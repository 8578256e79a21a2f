using System.Runtime.CompilerServices;
using Drover.Api;
using Drover.ControlPlane.Storage;

namespace Drover.ControlPlane.Registry;

/// <summary>The read side of the registry: get, paged list with a selection predicate, and watch from a revision.</summary>
public sealed partial class ObjectService
{
    /// <summary>History at or below this revision is compacted away: a watch must start above it.</summary>
    public long CompactedRevision => _objects.CompactedRevision;

    public Task<KubeObject?> GetAsync(ResourceType type, string? ns, string name, CancellationToken ct) =>
        _objects.GetAsync(type, ns, name, ct);

    /// <summary>The object, or 404 naming it.</summary>
    public Task<KubeObject> GetRequiredAsync(ResourceType type, string? ns, string name, CancellationToken ct) =>
        _objects.GetRequiredAsync(type, ns, name, ct);

    /// <summary>
    /// Objects of <paramref name="type"/> (in <paramref name="ns"/>, or all namespaces) that <paramref name="matches"/>
    /// accepts, at most <paramref name="limit"/> (0: all), after the position <paramref name="continueToken"/> names.
    /// With a predicate a page of keys may hold few matches, so bigger pages are read until this one is full.
    /// <paramref name="share"/>: decode through the cache every reader shares (informers relisting), or privately (a
    /// one-off LIST of 10,000 pods must not push out what the watchers use).
    /// </summary>
    public async Task<ObjectListPage> ListAsync(ResourceType type, string? ns, Func<KubeObject, bool>? matches, int limit, string? continueToken, bool share, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var items = new List<StoredObject>();
        long revision = 0;
        var cursor = ContinueTokens.Decode(continueToken, StoreKeys.Prefix(type, ns));
        string? continueAfter = null;
        var pageSize = limit == 0 ? 0 : matches is not null ? Math.Max(limit, 500) : limit;
        while (true)
        {
            var page = await _objects.ListValuesAsync(type, ns, cursor, pageSize, share, ct).ConfigureAwait(false);
            if (revision == 0)
                revision = page.Revision;
            var full = false;
            for (var i = 0; i < page.Items.Count && !full; i++)
            {
                var item = page.Items[i];
                if (matches is not null && !matches(item.Object))
                    continue;
                items.Add(new StoredObject(item));
                if (limit > 0 && items.Count == limit)
                {
                    full = true;
                    var more = i < page.Items.Count - 1 || page.ContinueAfterKey is not null;
                    continueAfter = more ? item.Key : null;
                }
            }
            if (full || page.ContinueAfterKey is null)
                break;
            cursor = page.ContinueAfterKey;
        }
        return new ObjectListPage(items, revision, continueAfter is null ? null : ContinueTokens.Encode(continueAfter));
    }

    /// <summary>
    /// Every change to objects of <paramref name="type"/> (null: every type) in <paramref name="ns"/> (null: all) after
    /// <paramref name="fromRevision"/>, then live changes until cancelled. A revision that is compacted away, or a
    /// watcher that fell too far behind the writers, ends the stream with 410 Gone: list again and watch from there.
    /// </summary>
    public async IAsyncEnumerable<ObjectEvent> WatchAsync(ResourceType? type, string? ns, long fromRevision, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var ev in _objects.WatchAsync(type, ns, fromRevision, ct).ConfigureAwait(false))
        {
            var kind = ev.Kind switch
            {
                StorageEventKind.Added => ObjectEventType.Added,
                StorageEventKind.Modified => ObjectEventType.Modified,
                _ => ObjectEventType.Deleted,
            };
            yield return new ObjectEvent(kind, new StoredObject(ev.Current), ev.Previous is { } previous ? new StoredObject(previous) : null);
        }
    }
}
