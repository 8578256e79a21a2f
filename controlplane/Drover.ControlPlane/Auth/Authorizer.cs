using Drover.Api;
using Drover.Api.PodNetwork;

namespace Drover.ControlPlane.Auth;

/// <summary>
/// What each identity may do, in the spirit of Kubernetes' Node authorizer and NodeRestriction: a
/// node may register and update only its own Node and Lease, read the objects it needs (and of the ConfigMaps only the pod network's), write the
/// status of and finish deleting only the pods bound to it, and record events. The ingress controller may
/// read what it routes by (Ingresses, IngressClasses, Services, Endpoints, and Secrets of type
/// kubernetes.io/tls only) and write Ingress status. Everything else is 403.
/// Two stages: <see cref="AuthorizeRequest"/> before anything is read, <see cref="AuthorizeObject"/>
/// once the object (new or stored) is known.
/// </summary>
public sealed class Authorizer
{
    private const string LeaseNamespace = "kube-node-lease";
    private const string TlsSecretType = "kubernetes.io/tls";

    public void AuthorizeRequest(Principal principal, string verb, ResourceAttributes path)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(path);
        if (principal.Kind == PrincipalKind.Admin)
            return;
        if (principal.Kind == PrincipalKind.Ingress)
        {
            AuthorizeIngressRequest(principal, verb, path);
            return;
        }
        // TokenAuthentication keeps the metrics identity out of the API already; refused here too, should a route ever skip it.
        if (principal.Kind == PrincipalKind.Metrics)
            throw Forbidden(principal, verb, path, "");
        var self = principal.NodeName!;
        var read = verb is "get" or "list" or "watch";
        var write = verb is "update" or "patch";
        var allowed = path.Type.Kind switch
        {
            "Namespace" or "Service" or "Endpoints" => read && path.Subresource is null,
            "Node" => (read && path.Subresource is null) || verb == "create" || (write && path.Name == self && path.Subresource is null or "status"),
            "Lease" => path.Namespace == LeaseNamespace && path.Subresource is null
                && ((read && (path.Name is null || path.Name == self)) || verb == "create" || (write && path.Name == self)),
            "Pod" => verb switch
            {
                "list" or "watch" => path.Subresource is null && SelectsNode(path.FieldSelector, self),
                "get" or "delete" => path.Subresource is null,              // checked again on the object
                "update" or "patch" => path.Subresource == "status",        // checked again on the object
                // Neither pods nor pods/binding: placing work is the scheduler's, and a node that could bind
                // pods to itself could pull any workload (and its secrets) onto itself, as Kubernetes' Node
                // authorizer also refuses.
                "create" => false,
                _ => false,
            },
            "Event" => verb is "create" or "update" or "patch",
            // The cluster's pod network (backend, cluster CIDR), which every agent sets its node up by; no other ConfigMap.
            "ConfigMap" => verb == "get" && path.Subresource is null
                && path.Namespace == PodNetworkSettings.ConfigMapNamespace && path.Name == PodNetworkSettings.ConfigMapName,
            _ => false,
        };
        if (!allowed)
            throw Forbidden(principal, verb, path, path.Type.Kind == "Pod" && verb is "list" or "watch"
                ? $"; a node may only {verb} pods with fieldSelector spec.nodeName={self}"
                : "");
    }

    /// <summary>Checks a decoded (create) or stored (get, update, delete) object against the caller.</summary>
    public void AuthorizeObject(Principal principal, string verb, ResourceAttributes path, KubeObject obj)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(obj);
        if (principal.Kind == PrincipalKind.Admin)
            return;
        if (principal.Kind == PrincipalKind.Metrics)
            throw Forbidden(principal, verb, path with { Name = obj.Metadata.Name }, "");
        if (principal.Kind == PrincipalKind.Ingress)
        {
            // A Secret named directly must still be a TLS one: other secrets (node credentials among them) stay out of reach.
            if (obj is Secret secret && secret.Type != TlsSecretType)
                throw Forbidden(principal, verb, path with { Name = obj.Metadata.Name }, $"; the ingress may only {verb} secrets of type {TlsSecretType}");
            return;
        }
        var self = principal.NodeName!;
        var allowed = obj switch
        {
            Node => verb != "create" || obj.Metadata.Name == self,
            Lease => verb != "create" || (obj.Metadata.Name == self && obj.Metadata.Namespace == LeaseNamespace),
            Pod pod => pod.Spec.NodeName == self,
            _ => true,
        };
        if (!allowed)
            throw Forbidden(principal, verb, path with { Name = obj.Metadata.Name }, obj is Pod ? $"; the pod is not bound to node {self}" : $"; a node may only {verb} its own {path.Type.Singular}");
    }

    private static void AuthorizeIngressRequest(Principal principal, string verb, ResourceAttributes path)
    {
        var read = verb is "get" or "list" or "watch";
        var allowed = path.Type.Kind switch
        {
            "Ingress" => (read && path.Subresource is null) || (path.Subresource == "status" && (read || verb is "update" or "patch")),
            "IngressClass" or "Service" or "Endpoints" => read && path.Subresource is null,
            "Secret" => path.Subresource is null && verb switch
            {
                "list" or "watch" => SelectsField(path.FieldSelector, "type", TlsSecretType),
                "get" => true,                                             // checked again on the object
                _ => false,
            },
            _ => false,
        };
        if (!allowed)
            throw Forbidden(principal, verb, path, path.Type.Kind == "Secret" && verb is "list" or "watch"
                ? $"; the ingress may only {verb} secrets with fieldSelector type={TlsSecretType}"
                : "");
    }

    private static bool SelectsField(string fieldSelector, string field, string value)
    {
        foreach (var part in fieldSelector.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (part == $"{field}={value}" || part == $"{field}=={value}")
                return true;
        return false;
    }

    private static bool SelectsNode(string fieldSelector, string node)
    {
        foreach (var part in fieldSelector.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (part == $"spec.nodeName={node}" || part == $"spec.nodeName=={node}")
                return true;
        return false;
    }

    private static ApiException Forbidden(Principal principal, string verb, ResourceAttributes path, string why)
    {
        var type = path.Type;
        var resource = path.Subresource is null ? type.Plural : $"{type.Plural}/{path.Subresource}";
        var subject = path.Name is null ? type.Plural : $"{type.Plural} \"{path.Name}\"";
        var scope = path.Namespace is null ? "" : $" in the namespace \"{path.Namespace}\"";
        return new ApiException(ApiErrors.Forbidden($"{subject} is forbidden: User \"{principal.Name}\" cannot {verb} resource \"{resource}\" in API group \"{type.Group}\"{scope}{why}"));
    }
}
