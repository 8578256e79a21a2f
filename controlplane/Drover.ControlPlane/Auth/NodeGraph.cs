using Drover.Api;
using Drover.ControlPlane.Informers;
using Drover.ControlPlane.Registry;

namespace Drover.ControlPlane.Auth;

/// <summary>
/// The relationships Kubernetes' node authorizer keeps as a graph (node ← pod ← secret/configmap): which
/// Secrets and ConfigMaps a node may read because a pod bound to it references them (<see cref="PodReferences"/>).
/// Answered from an index on droverd's shared pod cache; on a miss, from the store, because the cache may not
/// have seen a binding made a moment ago and a node that was just given a pod must be able to fetch what it needs.
/// A stale hit (a pod unbound a moment ago) is accepted, as Kubernetes accepts it.
/// </summary>
public sealed class NodeGraph
{
    private const string IndexName = "node-authorizer-references";

    private readonly ObjectService _objects;
    private readonly Informer<Pod> _pods;

    public NodeGraph(ObjectService objects, SharedInformers informers)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(informers);
        _objects = objects;
        _pods = informers.For(ResourceTypes.Pods);
        _pods.EnsureIndex(IndexName, static obj => obj is Pod { Spec.NodeName: { Length: > 0 } node } pod
            ? PodReferences.Of(pod.Spec).Select(r => Key(node, r.Type, pod.Metadata.Namespace, r.Name)).Distinct(StringComparer.Ordinal)
            : []);
    }

    /// <summary>True when a pod bound to <paramref name="node"/> in <paramref name="ns"/> references the named object.</summary>
    public async ValueTask<bool> IsReferencedAsync(string node, ResourceType type, string ns, string name, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(node);
        ArgumentNullException.ThrowIfNull(type);
        ArgumentException.ThrowIfNullOrEmpty(ns);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (_pods.Synced.IsCompletedSuccessfully && _pods.ByIndex(IndexName, Key(node, type, ns, name)).Count > 0)
            return true;
        var reference = new PodReference(type, name);
        var page = await _objects.ListAsync(ResourceTypes.Pods, ns, null, 0, null, share: true, ct).ConfigureAwait(false);
        foreach (var item in page.Items)
        {
            if (Decode(item) is Pod pod && pod.Spec.NodeName == node && PodReferences.Of(pod.Spec).Contains(reference))
                return true;
        }
        return false;
    }

    /// <summary>A pod stored by an older or broken version grants nothing; it must not fail the request either.</summary>
    private static KubeObject? Decode(StoredObject item)
    {
        try
        {
            return item.Object;
        }
        catch (ApiException)
        {
            return null;
        }
    }

    private static string Key(string node, ResourceType type, string? ns, string name) => $"{node}\0{type.Plural}\0{ns}\0{name}";
}
