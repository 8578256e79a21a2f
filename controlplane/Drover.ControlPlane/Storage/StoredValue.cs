using Drover.Api;
using Drover.Store;

namespace Drover.ControlPlane.Storage;

/// <summary>
/// One stored revision of an object as readers above the storage layer get it: decoded at most once for all of them
/// (through the decoded-object cache when <see cref="Shared"/>), its JSON made on first ask, its metadata readable
/// without decoding the rest. A value that no longer decodes throws an <see cref="ApiException"/> (500).
/// </summary>
public sealed class StoredValue
{
    private readonly DecodedObjectCache? _cache;
    private readonly ResourceType _type;
    private readonly KeyValue _kv;
    private DecodedObjectCache.Entry? _entry;
    private KubeObject? _object;

    internal StoredValue(ResourceType type, KeyValue kv, DecodedObjectCache? cache)
    {
        _type = type;
        _kv = kv;
        _cache = cache;
    }

    public ResourceType Type => _type;

    /// <summary>The store key (a LIST continues after it).</summary>
    public string Key => _kv.Key;

    /// <summary>The store revision of this version (its resourceVersion; for a deletion, the deletion's revision).</summary>
    public long Revision => _kv.ModRevision;

    /// <summary>Whether decoding goes through the cache every reader shares (watches, informers) or stays private (a one-off LIST).</summary>
    public bool Shared => _cache is not null;

    public KubeObject Object
    {
        get
        {
            if (_object is not null)
                return _object;
            try
            {
                return _object = _cache is null ? ObjectStore.Decode(_type, _kv.Value, _kv.ModRevision) : Entry.Object;
            }
            catch (System.Text.Json.JsonException e)
            {
                throw Undecodable(e);
            }
        }
    }

    /// <summary>The object as the API serves it, with its resourceVersion.</summary>
    public byte[] Json
    {
        get
        {
            try
            {
                return _cache is null ? _type.SerializeToUtf8Bytes(Object) : Entry.Json;
            }
            catch (System.Text.Json.JsonException e)
            {
                throw Undecodable(e);
            }
        }
    }

    /// <summary>Only the metadata: a reader that needs nothing else (the garbage collector) skips decoding spec and status.</summary>
    public ObjectMeta Metadata
    {
        get
        {
            if (_object is not null)
                return _object.Metadata;
            try
            {
                return _cache is null ? ObjectStore.DecodeMetadata(_kv.Value.Span, _kv.ModRevision) : _cache.Metadata(_kv);
            }
            catch (System.Text.Json.JsonException e)
            {
                throw Undecodable(e);
            }
        }
    }

    private DecodedObjectCache.Entry Entry => _entry ??= _cache!.Get(_type, _kv);

    private ApiException Undecodable(System.Text.Json.JsonException e) =>
        new(ApiErrors.Internal($"the stored value of {_kv.Key} at revision {_kv.ModRevision} cannot be decoded: {e.Message}"));
}
