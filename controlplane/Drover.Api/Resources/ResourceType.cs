using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Drover.Api;

/// <summary>
/// One kind the API serves: where it lives (group, version, plural), how it is named on the command
/// line, and how to read and write it. The server and the CLI are generic over this table.
/// </summary>
public abstract class ResourceType
{
    private protected ResourceType(string group, string version, string kind, string plural, bool namespaced, string[] shortNames, bool hasStatus, bool hasScale)
    {
        Group = group;
        Version = version;
        Kind = kind;
        Plural = plural;
        Singular = kind.ToLowerInvariant();
        Namespaced = namespaced;
        ShortNames = shortNames;
        HasStatus = hasStatus;
        HasScale = hasScale;
        ApiVersion = group.Length == 0 ? version : group + "/" + version;
        ListKind = kind + "List";
        // kubectl prints "deployment.apps/my-app"; the core group has no suffix.
        QualifiedName = group.Length == 0 ? Singular : Singular + "." + group;
        StoreName = group.Length == 0 ? plural : group + "/" + plural;
    }

    public string Group { get; }
    public string Version { get; }
    public string ApiVersion { get; }
    public string Kind { get; }
    public string ListKind { get; }
    public string Plural { get; }
    public string Singular { get; }
    public string QualifiedName { get; }
    /// <summary>The path segment objects of this kind are stored under (unique across groups).</summary>
    public string StoreName { get; }
    public bool Namespaced { get; }
    public IReadOnlyList<string> ShortNames { get; }
    public bool HasStatus { get; }
    public bool HasScale { get; }

    /// <summary>The categories discovery lists it under ("all": what `kubectl get all` shows).</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>Subresources served besides status and scale (pods/log, pods/binding), with their verbs and kinds.</summary>
    public IReadOnlyList<Subresource> OtherSubresources { get; init; } = [];

    /// <summary>Every subresource served: status and scale from the flags, then <see cref="OtherSubresources"/>.</summary>
    public IEnumerable<Subresource> Subresources
    {
        get
        {
            if (HasStatus)
                yield return new Subresource("status", Group, Version, Kind, ["get", "patch", "update"]);
            if (HasScale)
                yield return new Subresource("scale", "autoscaling", "v1", "Scale", ["get", "patch", "update"]);
            foreach (var other in OtherSubresources)
                yield return other;
        }
    }

    /// <summary>The verbs on the resource itself.</summary>
    public IReadOnlyList<string> Verbs { get; } = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public abstract Type ClrType { get; }

    /// <summary>Strict decode: unknown fields, duplicate keys and wrong types throw <see cref="JsonException"/>.</summary>
    public abstract KubeObject Deserialize(ReadOnlySpan<byte> utf8Json);
    public abstract void Serialize(Utf8JsonWriter writer, KubeObject value);
    public abstract byte[] SerializeToUtf8Bytes(KubeObject value);
    public abstract (IReadOnlyList<KubeObject> Items, ListMeta Metadata) DeserializeList(ReadOnlySpan<byte> utf8Json);

    public override string ToString() => QualifiedName;
}

public sealed class ResourceType<T> : ResourceType where T : KubeObject
{
    private readonly JsonTypeInfo<T> _typeInfo;
    private readonly JsonTypeInfo<KubeList<T>> _listTypeInfo;

    internal ResourceType(string group, string version, string kind, string plural, bool namespaced, string[] shortNames, bool hasStatus, bool hasScale, JsonTypeInfo<T> typeInfo, JsonTypeInfo<KubeList<T>> listTypeInfo)
        : base(group, version, kind, plural, namespaced, shortNames, hasStatus, hasScale)
    {
        _typeInfo = typeInfo;
        _listTypeInfo = listTypeInfo;
    }

    public override Type ClrType => typeof(T);

    public override KubeObject Deserialize(ReadOnlySpan<byte> utf8Json) =>
        JsonSerializer.Deserialize(utf8Json, _typeInfo) ?? throw new JsonException("the object is null");

    public override void Serialize(Utf8JsonWriter writer, KubeObject value) => JsonSerializer.Serialize(writer, (T)value, _typeInfo);

    public override byte[] SerializeToUtf8Bytes(KubeObject value) => JsonBuffers.SerializeToUtf8Bytes((T)value, _typeInfo);

    public override (IReadOnlyList<KubeObject> Items, ListMeta Metadata) DeserializeList(ReadOnlySpan<byte> utf8Json)
    {
        var list = JsonSerializer.Deserialize(utf8Json, _listTypeInfo) ?? throw new JsonException("the list is null");
        return (list.Items, list.Metadata);
    }
}
