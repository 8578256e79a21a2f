using Drover.Api;

namespace Drover.ControlPlane.Storage;

/// <summary>Where objects live in the key space: /registry/{group/}plural/{namespace/}name, as Kubernetes lays out etcd.</summary>
public static class StoreKeys
{
    public const string Root = "/registry/";

    public static string Object(ResourceType type, string? ns, string name) =>
        type.Namespaced ? $"{Root}{type.StoreName}/{ns}/{name}" : $"{Root}{type.StoreName}/{name}";

    /// <summary>All objects of a type, or those of one namespace.</summary>
    public static string Prefix(ResourceType type, string? ns) =>
        type.Namespaced && !string.IsNullOrEmpty(ns) ? $"{Root}{type.StoreName}/{ns}/" : $"{Root}{type.StoreName}/";

    /// <summary>Finds the resource type a key belongs to (for watchers over the whole registry).</summary>
    public static ResourceType? TypeOf(string key)
    {
        if (!key.StartsWith(Root, StringComparison.Ordinal))
            return null;
        foreach (var type in ResourceTypes.All)
        {
            var storeName = type.StoreName;
            if (key.Length > Root.Length + storeName.Length
                && string.CompareOrdinal(key, Root.Length, storeName, 0, storeName.Length) == 0
                && key[Root.Length + storeName.Length] == '/')
                return type;
        }
        return null;
    }
}
