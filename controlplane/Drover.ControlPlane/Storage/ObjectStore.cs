using System.Globalization;
using System.Text.Json;
using Drover.Api;
using Drover.ControlPlane.Api;
using Drover.ControlPlane.Observability;
using Drover.Store;

namespace Drover.ControlPlane.Storage;

/// <summary>
/// Typed objects over the key-value store. The resourceVersion is never stored: it is the key's
/// mod revision, set on every read (as Kubernetes does over etcd), so a write needs no second pass.
/// Store failures become API errors here, once.
/// </summary>
public sealed class ObjectStore
{
    private readonly IStore _store;
    private readonly ApiMetrics _metrics;

    public ObjectStore(IStore store, ApiMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(metrics);
        _store = store;
        _metrics = metrics;
    }

    public IStore Raw => _store;

    /// <summary>Every stored revision decoded once, for all of droverd's readers (informers, watches, read-backs).</summary>
    public DecodedObjectCache Decoded { get; } = new();

    public async Task<KubeObject?> GetAsync(ResourceType type, string? ns, string name, CancellationToken ct)
    {
        using var _ = _metrics.TimeStore("get");
        var kv = await _store.GetAsync(StoreKeys.Object(type, ns, name), ct).ConfigureAwait(false);
        return kv is null ? null : Decoded.Decode(type, kv);
    }

    public async Task<KubeObject> GetRequiredAsync(ResourceType type, string? ns, string name, CancellationToken ct) =>
        await GetAsync(type, ns, name, ct).ConfigureAwait(false) ?? throw new ApiException(ApiErrors.NotFound(type, name));

    public async Task<StoreListResult> ListRawAsync(ResourceType type, string? ns, string? startAfterKey, int limit, CancellationToken ct)
    {
        using var _ = _metrics.TimeStore("list");
        return await _store.ListAsync(StoreKeys.Prefix(type, ns), startAfterKey, limit, ct).ConfigureAwait(false);
    }

    public async Task<KubeObject> CreateAsync(ResourceType type, KubeObject obj, CancellationToken ct)
    {
        var name = obj.Metadata.Name!;
        using var _ = _metrics.TimeStore("create");
        try
        {
            var kv = await _store.CreateAsync(StoreKeys.Object(type, obj.Metadata.Namespace, name), Encode(type, obj), ct).ConfigureAwait(false);
            return WithVersion(obj, kv.ModRevision);
        }
        catch (StoreKeyExistsException)
        {
            throw new ApiException(ApiErrors.AlreadyExists(type, name));
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
            var kv = await _store.UpdateAsync(StoreKeys.Object(type, obj.Metadata.Namespace, name), encoded, expectedRevision, ct).ConfigureAwait(false);
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
    }

    public async Task<KubeObject> DeleteAsync(ResourceType type, string? ns, string name, long expectedRevision, CancellationToken ct)
    {
        using var _ = _metrics.TimeStore("delete");
        try
        {
            var kv = await _store.DeleteAsync(StoreKeys.Object(type, ns, name), expectedRevision, ct).ConfigureAwait(false);
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

    public static long ParseResourceVersion(KubeObject obj) =>
        long.TryParse(obj.Metadata.ResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var rv) ? rv : 0;

    private static KubeObject WithVersion(KubeObject obj, long revision) =>
        obj with { Metadata = obj.Metadata with { ResourceVersion = revision.ToString(CultureInfo.InvariantCulture) } };
}
