namespace Drover.Api;

/// <summary>client-go's MetaNamespaceKeyFunc: "namespace/name", or "name" for a cluster-scoped object; the key of every informer's copy.</summary>
public static class ObjectKeys
{
    public static string Of(string? ns, string name) => string.IsNullOrEmpty(ns) ? name : ns + "/" + name;

    public static string Of(KubeObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return Of(obj.Metadata.Namespace, obj.Metadata.Name ?? "");
    }
}
