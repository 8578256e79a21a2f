using System.Globalization;
using System.Text.Json;
using Drover.Api;
using Drover.ControlPlane.Observability;
using Drover.Store;

namespace Drover.ControlPlane.Storage;

/// <summary>
/// Typed objects over the key-value store. The resourceVersion is never stored: it is the key's
/// mod revision, set on every read (as Kubernetes does over etcd), so a write needs no second pass.
/// Store failures become API errors here, once (as Kubernetes' storage layer turns etcd's errors into API
/// status errors): a missing key is 404, a lost compare-and-swap 409, anything else 503 (a fenced write of a deposed
/// leader included). Every write carries the fence of the flow it runs in (<see cref="WriteFencing"/>): the leader's
/// controllers run inside one, the API's requests outside, so the fence is applied here once, not in each controller.
/// </summary>
public sealed class ObjectStore
{
    private readonly IStore _store;
    private readonly ApiMetrics _metrics;
    private readonly WriteFencing _fencing;

    public ObjectStore(IStore store, ApiMetrics metrics, WriteFencing? fencing = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(metrics);
        _store = store;
        _metrics = metrics;
        _fencing = fencing ?? new WriteFencing(store);
    }

    /// <summary>The fence the leader's writes carry (none for the API's writes).</summary>
    public WriteFencing Fencing => _fencing;

    public IStore Raw => _store;

    /// <summary>Every stored revision decoded once, for all of droverd's readers (informers, watches, read-backs).</summary>
    public DecodedObjectCache Decoded { get; } = new();

    public Task<KubeObject?> GetAsync(ResourceType type, string? ns, string name, CancellationToken ct) =>
        GetAsync(type, ns, name, nearest: false, ct);

    /// <summary>
    /// The object as the nearest store replica holds it (<see cref="IStore.GetNearestAsync"/>): possibly a replication
    /// delay old, for checks that tolerate that and must not queue behind the writes in flight.
    /// </summary>
    public Task<KubeObject?> GetNearestAsync(ResourceType type, string? ns, string name, CancellationToken ct) =>
        GetAsync(type, ns, name, nearest: true, ct);

    private async Task<KubeObject?> GetAsync(ResourceType type, string? ns, string name, bool nearest, CancellationToken ct)
    {
        using var _ = _metrics.TimeStore(nearest ? "get-nearest" : "get");
        try
        {
            var key = StoreKeys.Object(type, ns, name);
            var kv = nearest
                ? await _store.GetNearestAsync(key, ct).ConfigureAwait(false)
                : await _store.GetAsync(key, ct).ConfigureAwait(false);
            return kv is null ? null : Decoded.Decode(type, kv);
        }
        catch (StoreException e)
        {
            throw Unavailable(e);
        }
    }

    public async Task<KubeObject> GetRequiredAsync(ResourceType type, string? ns, string name, CancellationToken ct) =>
        await GetAsync(type, ns, name, ct).ConfigureAwait(false) ?? throw new ApiException(ApiErrors.NotFound(type, name));

    public async Task<StoreListResult> ListRawAsync(ResourceType type, string? ns, string? startAfterKey, int limit, CancellationToken ct)
    {
        using var _ = _metrics.TimeStore("list");
        try
        {
            return await _store.ListAsync(StoreKeys.Prefix(type, ns), startAfterKey, limit, ct).ConfigureAwait(false);
        }
        catch (StoreException e)
        {
            throw Unavailable(e);
        }
    }

    /// <summary>
    /// One page of <paramref name="type"/>'s values in key order after <paramref name="startAfterKey"/>, at most
    /// <paramref name="limit"/> (0: all); <paramref name="share"/>: decode through the cache every reader shares.
    /// </summary>
    public async Task<(IReadOnlyList<StoredValue> Items, long Revision, string? ContinueAfterKey)> ListValuesAsync(
        ResourceType type, string? ns, string? startAfterKey, int limit, bool share, CancellationToken ct)
    {
        var page = await ListRawAsync(type, ns, startAfterKey, limit, ct).ConfigureAwait(false);
        var cache = share ? Decoded : null;
        var items = new StoredValue[page.Items.Count];
        for (var i = 0; i < items.Length; i++)
            items[i] = new StoredValue(type, page.Items[i], cache);
        return (items, page.Revision, page.ContinueAfterKey);
    }

    /// <summary>
    /// Every change to <paramref name="type"/>'s objects (null: every type) in <paramref name="ns"/> (null: all) after
    /// <paramref name="fromRevision"/>, then live ones until cancelled, decoded through the shared cache. A compacted
    /// revision or a watcher that fell too far behind ends the stream with 410 Gone; another store failure with 503.
    /// </summary>
    public async IAsyncEnumerable<StorageEvent> WatchAsync(ResourceType? type, string? ns, long fromRevision, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        if (fromRevision != 0 && fromRevision < _store.CompactedRevision)
            throw new ApiException(ApiErrors.Gone(fromRevision, _store.CompactedRevision));
        var prefix = type is null ? StoreKeys.Root : StoreKeys.Prefix(type, ns);
        var lastRevision = fromRevision;
        await using var events = _store.WatchAsync(prefix, fromRevision, ct).GetAsyncEnumerator(ct);
        while (true)
        {
            try
            {
                if (!await events.MoveNextAsync().ConfigureAwait(false))
                    yield break;
            }
            catch (StoreCompactedException e)
            {
                throw new ApiException(ApiErrors.Gone(fromRevision, e.CompactedRevision));
            }
            catch (StoreWatchOverflowException)
            {
                throw new ApiException(ApiErrors.Gone(lastRevision, lastRevision) with { Message = "the watch fell too far behind; list again and watch from the list's resourceVersion" });
            }
            catch (StoreException e)
            {
                throw Unavailable(e);
            }
            var ev = events.Current;
            lastRevision = ev.Kv.ModRevision;
            if ((type ?? StoreKeys.TypeOf(ev.Kv.Key)) is not { } eventType)
                continue;
            var current = new StoredValue(eventType, ev.Kv, Decoded);
            var previous = ev.PrevKv is null ? null : new StoredValue(eventType, ev.PrevKv, Decoded);
            var kind = ev.Type == StoreEventType.Delete ? StorageEventKind.Deleted : previous is null ? StorageEventKind.Added : StorageEventKind.Modified;
            yield return new StorageEvent(kind, current, previous);
        }
    }

    /// <summary>History at or below this revision is compacted away.</summary>
    public long CompactedRevision => _store.CompactedRevision;

    public async Task<KubeObject> CreateAsync(ResourceType type, KubeObject obj, CancellationToken ct)
    {
        var name = obj.Metadata.Name!;
        using var _ = _metrics.TimeStore("create");
        try
        {
            var kv = await _store.CreateAsync(StoreKeys.Object(type, obj.Metadata.Namespace, name), Encode(type, obj), _fencing.Current, ct).ConfigureAwait(false);
            return WithVersion(obj, kv.ModRevision);
        }
        catch (StoreKeyExistsException)
        {
            throw new ApiException(ApiErrors.AlreadyExists(type, name));
        }
        catch (StoreException e)
        {
            throw Unavailable(e);
        }
    }

    /// <summary>Writes <paramref name="obj"/> if the stored object is still at <paramref name="expectedRevision"/>.</summary>
    public Task<KubeObject> UpdateAsync(ResourceType type, KubeObject obj, long expectedRevision, CancellationToken ct) =>
        UpdateAsync(type, obj, Encode(type, obj), expectedRevision, ct);

    /// <summary>As above, with <paramref name="encoded"/> = <see cref="Encode"/> of <paramref name="obj"/> already made by the caller.</summary>
    public async Task<KubeObject> UpdateAsync(ResourceType type, KubeObject obj, byte[] encoded, long expectedRevision, CancellationToken ct)
    {
        var name = obj.Metadata.Name!;
        using var _ = _metrics.TimeStore("update");
        try
        {
            var kv = await _store.UpdateAsync(StoreKeys.Object(type, obj.Metadata.Namespace, name), encoded, expectedRevision, _fencing.Current, ct).ConfigureAwait(false);
            return WithVersion(obj, kv.ModRevision);
        }
        catch (StoreConflictException)
        {
            throw new ApiException(ApiErrors.Conflict(type, name));
        }
        catch (StoreKeyNotFoundException)
        {
            throw new ApiException(ApiErrors.NotFound(type, name));
        }
        catch (StoreException e)
        {
            throw Unavailable(e);
        }
    }

    public async Task<KubeObject> DeleteAsync(ResourceType type, string? ns, string name, long expectedRevision, CancellationToken ct)
    {
        using var _ = _metrics.TimeStore("delete");
        try
        {
            var kv = await _store.DeleteAsync(StoreKeys.Object(type, ns, name), expectedRevision, _fencing.Current, ct).ConfigureAwait(false);
            return Decoded.Decode(type, kv);
        }
        catch (StoreConflictException)
        {
            throw new ApiException(ApiErrors.Conflict(type, name));
        }
        catch (StoreKeyNotFoundException)
        {
            throw new ApiException(ApiErrors.NotFound(type, name));
        }
        catch (StoreException e)
        {
            throw Unavailable(e);
        }
    }

    /// <summary>A store failure that is not the caller's doing: 503, so clients retry (the message says what failed).</summary>
    public static ApiException Unavailable(StoreException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new ApiException(ApiErrors.Unavailable("the store failed: " + e.Message), e);
    }

    public static KubeObject Decode(ResourceType type, ReadOnlyMemory<byte> value, long modRevision) =>
        WithVersion(type.Deserialize(value.Span), modRevision);

    /// <summary>The metadata of a stored object (with its resourceVersion), skipping everything else unread.</summary>
    public static ObjectMeta DecodeMetadata(ReadOnlySpan<byte> value, long modRevision)
    {
        var reader = new Utf8JsonReader(value);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            throw new JsonException("a stored object is not a JSON object");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isMetadata = reader.ValueTextEquals("metadata"u8);
            reader.Read();
            if (isMetadata)
            {
                var meta = JsonSerializer.Deserialize(ref reader, ApiJsonContext.Default.ObjectMeta) ?? new ObjectMeta();
                return meta with { ResourceVersion = modRevision.ToString(CultureInfo.InvariantCulture) };
            }
            reader.Skip();
        }
        return new ObjectMeta { ResourceVersion = modRevision.ToString(CultureInfo.InvariantCulture) };
    }

    public static byte[] Encode(ResourceType type, KubeObject obj) =>
        type.SerializeToUtf8Bytes(obj with { Metadata = obj.Metadata with { ResourceVersion = null } });

    public static long ParseResourceVersion(KubeObject obj) => ResourceVersions.Of(obj);

    private static KubeObject WithVersion(KubeObject obj, long revision) =>
        obj with { Metadata = obj.Metadata with { ResourceVersion = revision.ToString(CultureInfo.InvariantCulture) } };
}
