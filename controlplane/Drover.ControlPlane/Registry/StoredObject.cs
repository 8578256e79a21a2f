using Drover.Api;
using Drover.ControlPlane.Storage;

namespace Drover.ControlPlane.Registry;

/// <summary>
/// One stored revision of an object as the registry's readers get it: decoded at most once for all of them, its JSON
/// made on first ask, its metadata readable without decoding the rest (the garbage collector reads nothing else). A
/// value that no longer decodes throws an <see cref="ApiException"/> (500) when read.
/// </summary>
public readonly struct StoredObject
{
    private readonly StoredValue _value;

    internal StoredObject(StoredValue value) => _value = value;

    public ResourceType Type => _value.Type;

    /// <summary>The store revision of this version (its resourceVersion; for a deletion, the deletion's revision).</summary>
    public long Revision => _value.Revision;

    public KubeObject Object => _value.Object;

    /// <summary>The object as the API serves it, with its resourceVersion.</summary>
    public byte[] Json => _value.Json;

    public ObjectMeta Metadata => _value.Metadata;
}
