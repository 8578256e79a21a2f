using Drover.Api;
using Drover.Api.PodNetwork;

namespace Drover.ControlPlane.Auth;

/// <summary>
/// Kubernetes' node authorizer (plugin/pkg/auth/authorizer/node) for Drover's kinds: which verbs a node may use
/// on which resources, before any object is read. What those writes may change is <see cref="NodeRestriction"/>'s.
/// A node may
/// <list type="bullet">
/// <item>read every Node (the agent will route to its peers' podCIDRs), create and update its own, and its status;</item>
/// <item>get, create, update and patch its own Lease in kube-node-lease (Kubernetes also lets it delete the lease; the
/// agent never does, and a node without its lease only looks dead);</item>
/// <item>list and watch pods only with fieldSelector spec.nodeName=itself, get and delete pods bound to it and
/// update their status (never create, bind, read logs of or update the spec of a pod);</item>
/// <item>read Namespaces, Services, Endpoints and EndpointSlices (the service proxy and DNS on every node);</item>
/// <item>read a Secret or ConfigMap only by name, and only when a pod bound to it references that object
/// (<see cref="NodeGraph"/>): never another node's credential nor any secret its pods do not use; and get the pod
/// network's ConfigMap (kube-system/drover-pod-network) that every agent sets its node up by;</item>
/// <item>create, update and patch Events.</item>
/// </list>
/// Each method returns null when allowed, else the reason appended to the 403's message.
/// </summary>
public sealed class NodeAuthorizer
{
    private readonly NodeGraph _graph;

    public NodeAuthorizer(NodeGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        _graph = graph;
    }

    public async ValueTask<string?> AuthorizeRequestAsync(string self, string verb, ResourceAttributes path, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(self);
        ArgumentNullException.ThrowIfNull(path);
        var read = verb is "get" or "list" or "watch";
        var write = verb is "update" or "patch";
        var sub = path.Subresource;
        switch (path.Type.Kind)
        {
            case "Namespace" or "Service" or "Endpoints" or "EndpointSlice":
                return read && sub is null ? null : "";
            case "Node":
                return (sub, verb) switch
                {
                    (null, "get" or "list" or "watch" or "create") => null,
                    (null or "status", "update" or "patch") => path.Name == self ? null : $"; node \"{self}\" may only modify its own Node",
                    _ => "",
                };
            case "Lease":
                if (sub is not null || !(verb is "get" or "create" || write))
                    return "; a node may only get, create, update or patch its own lease";
                if (path.Namespace != NodeRestriction.LeaseNamespace)
                    return $"; a node may only access leases in the \"{NodeRestriction.LeaseNamespace}\" namespace";
                return verb == "create" || path.Name == self ? null : $"; node \"{self}\" may only access the lease named after itself";
            case "Pod":
                return (sub, verb) switch
                {
                    (null, "list" or "watch") => SelectsField(path.FieldSelector, "spec.nodeName", self) ? null : $"; a node may only {verb} pods with fieldSelector spec.nodeName={self}",
                    (null, "get" or "delete") => null,                      // checked again on the stored object
                    ("status", "update" or "patch") => null,                // checked again on the stored object
                    // Neither pods nor pods/binding: placing work is the scheduler's, and a node that could bind pods
                    // to itself could pull any workload (and its secrets) onto itself. pods/log is the agents' own
                    // endpoint, read through droverd by users, never by another node.
                    _ => "",
                };
            // The cluster's pod network (backend, cluster CIDR), which every agent sets its node up by.
            case "ConfigMap" when verb == "get" && sub is null
                && path.Namespace == PodNetworkSettings.ConfigMapNamespace && path.Name == PodNetworkSettings.ConfigMapName:
                return null;
            case "Secret" or "ConfigMap":
                return await AuthorizeReferencedAsync(self, verb, path, ct).ConfigureAwait(false);
            case "Event":
                return sub is null && (verb == "create" || write) ? null : "";
            default:
                return "";
        }
    }

    /// <summary>
    /// The names this authorizer grants access by (its own Node and Lease, the pod network's ConfigMap): what a rules
    /// listing (<see cref="RulesResolver"/>) asks about besides "any name". Whether each is granted stays
    /// <see cref="AuthorizeRequestAsync"/>'s decision.
    /// </summary>
    public static IReadOnlyList<string> NamesGranted(string self) => [self, PodNetworkSettings.ConfigMapName];

    /// <summary>Checks a stored object (get, update, patch, delete) before it is shown or changed.</summary>
    public static string? AuthorizeObject(string self, string verb, KubeObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        // A pod not bound to the node is none of its business, whatever the verb.
        return obj is Pod pod && pod.Spec.NodeName != self ? $"; the pod is not bound to node {self}" : null;
    }

    /// <summary>
    /// get or watch of one named object, or list and watch narrowed to one by fieldSelector metadata.name (as the
    /// kubelet's watch-based secret manager asks), in a namespace; the object must be one a pod of the node uses.
    /// </summary>
    private async ValueTask<string?> AuthorizeReferencedAsync(string self, string verb, ResourceAttributes path, CancellationToken ct)
    {
        if (path.Subresource is not null || verb is not ("get" or "list" or "watch"))
            return $"; a node may only read {path.Type.Plural}";
        var name = path.Name ?? SelectedName(path.FieldSelector);
        if (path.Namespace is null || string.IsNullOrEmpty(name))
            return $"; a node may only read individual {path.Type.Plural} in a namespace, by name (or fieldSelector metadata.name)";
        return await _graph.IsReferencedAsync(self, path.Type, path.Namespace, name, ct).ConfigureAwait(false)
            ? null
            : $"; no relationship found between node \"{self}\" and this object: no pod bound to it references {path.Type.Singular} {path.Namespace}/{name}";
    }

    private static string? SelectedName(string fieldSelector)
    {
        string? name = null;
        foreach (var (field, value) in Requirements(fieldSelector))
        {
            if (field != "metadata.name" || value is null)
                continue;
            if (name is not null && name != value)
                return null;
            name = value;
        }
        return name;
    }

    internal static bool SelectsField(string fieldSelector, string field, string value) =>
        Requirements(fieldSelector).Any(r => r.Field == field && r.Value == value);

    /// <summary>The equality requirements of ?fieldSelector= (FIELD=VALUE or FIELD==VALUE); others have a null value.</summary>
    private static IEnumerable<(string Field, string? Value)> Requirements(string fieldSelector)
    {
        foreach (var part in fieldSelector.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part.Contains("!=", StringComparison.Ordinal))
            {
                yield return (part[..part.IndexOf("!=", StringComparison.Ordinal)].Trim(), null);
                continue;
            }
            var equal = part.IndexOf('=', StringComparison.Ordinal);
            if (equal <= 0)
                continue;
            var value = part[(equal + 1)..];
            if (value.StartsWith('='))
                value = value[1..];
            yield return (part[..equal].Trim(), value.Trim());
        }
    }
}
