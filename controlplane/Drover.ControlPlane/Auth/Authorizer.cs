using Drover.Api;

namespace Drover.ControlPlane.Auth;

/// <summary>
/// What each identity may do. The admin everything; a node what Kubernetes' Node authorizer and NodeRestriction
/// allow a kubelet (<see cref="NodeAuthorizer"/>, <see cref="NodeRestriction"/>); the ingress controller may read
/// what it routes by (Ingresses, IngressClasses, Services, Endpoints, and Secrets of type kubernetes.io/tls only)
/// and write Ingress status; the metrics identity nothing here. Everything else is 403.
/// Three stages: <see cref="AuthorizeRequestAsync"/> before anything is read, <see cref="AuthorizeObject"/> once the
/// object (new or stored) is known, <see cref="AdmitUpdate"/> once an update's result is known.
/// </summary>
public sealed class Authorizer
{
    private const string TlsSecretType = "kubernetes.io/tls";

    private readonly NodeAuthorizer _nodes;
    private readonly NodeRestriction _restriction;

    public Authorizer(NodeAuthorizer nodes, NodeRestriction restriction)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(restriction);
        _nodes = nodes;
        _restriction = restriction;
    }

    public async ValueTask AuthorizeRequestAsync(Principal principal, string verb, ResourceAttributes path, CancellationToken ct)
    {
        if (await CheckRequestAsync(principal, verb, path, ct).ConfigureAwait(false) is { } denied)
            throw denied;
    }

    /// <summary>
    /// The request stage without throwing: null when allowed, else the 403 to answer. Every question about access
    /// (a request, <c>auth can-i</c>, the rules of <c>auth can-i --list</c>) is answered here.
    /// </summary>
    public async ValueTask<ApiException?> CheckRequestAsync(Principal principal, string verb, ResourceAttributes path, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(path);
        switch (principal.Kind)
        {
            case PrincipalKind.Admin:
                return null;
            case PrincipalKind.Ingress:
                return CheckIngressRequest(principal, verb, path);
            case PrincipalKind.Node:
                return await _nodes.AuthorizeRequestAsync(principal.NodeName!, verb, path, ct).ConfigureAwait(false) is { } why
                    ? Forbidden(principal, verb, path, why)
                    : null;
            default:
                // TokenAuthentication keeps the metrics identity out of the API already; refused here too, should a route ever skip it.
                return Forbidden(principal, verb, path, "");
        }
    }

    /// <summary>Checks a decoded (create) or stored (get, update, patch, delete) object against the caller.</summary>
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
        if (NodeAuthorizer.AuthorizeObject(principal.NodeName!, verb, obj) is { } why)
            throw Forbidden(principal, verb, path with { Name = obj.Metadata.Name }, why);
        if (verb is "create" or "delete")
            Admit(principal, verb, path, verb == "create" ? null : obj, verb == "create" ? obj : null);
    }

    /// <summary>
    /// NodeRestriction on an update or patch, once the object it would write is known: <paramref name="incoming"/>
    /// as decoded or patched, before the registry merges it into <paramref name="existing"/>.
    /// </summary>
    public void AdmitUpdate(Principal principal, string verb, ResourceAttributes path, KubeObject existing, KubeObject incoming)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(incoming);
        if (principal.Kind != PrincipalKind.Node)
            return;
        // A write based on an older version fails its precondition with 409 whatever it changes, and the client
        // reads again and retries; judged against the newer object (a taint the lifecycle controller added in
        // between) it would be a 403 instead, which the agent does not retry.
        var requested = ResourceVersions.Of(incoming);
        if (requested != 0 && requested != ResourceVersions.Of(existing))
            return;
        // As the registry will store it: a status write changes only the status, any other only the rest.
        var updated = path.Subresource == "status" ? existing.WithStatusFrom(incoming) : incoming.WithStatusFrom(existing);
        Admit(principal, verb, path, existing, updated);
    }

    private void Admit(Principal principal, string verb, ResourceAttributes path, KubeObject? old, KubeObject? updated)
    {
        var operation = verb is "update" or "patch" ? "update" : verb;
        var errors = _restriction.Admit(principal, operation, path.Type, path.Subresource, old, updated);
        if (errors.Count == 0)
            return;
        var name = (updated ?? old)!.Metadata.Name;
        var denied = Forbidden(principal, verb, path with { Name = name }, ": " + string.Join("; ", errors.Select(e => e.Detail)));
        throw new ApiException(denied.Status with
        {
            Details = new StatusDetails
            {
                Name = name,
                Group = path.Type.Group,
                Kind = path.Type.Plural,
                Causes = [.. errors.Select(e => new StatusCause { Reason = "FieldValueForbidden", Message = e.ToString(), Field = e.Field })],
            },
        });
    }

    private static ApiException? CheckIngressRequest(Principal principal, string verb, ResourceAttributes path)
    {
        var read = verb is "get" or "list" or "watch";
        var allowed = path.Type.Kind switch
        {
            "Ingress" => (read && path.Subresource is null) || (path.Subresource == "status" && (read || verb is "update" or "patch")),
            "IngressClass" or "Service" or "Endpoints" or "EndpointSlice" => read && path.Subresource is null,
            "Secret" => path.Subresource is null && verb switch
            {
                "list" or "watch" => NodeAuthorizer.SelectsField(path.FieldSelector, "type", TlsSecretType),
                "get" => true,                                             // checked again on the object
                _ => false,
            },
            _ => false,
        };
        return allowed ? null : Forbidden(principal, verb, path, path.Type.Kind == "Secret" && verb is "list" or "watch"
            ? $"; the ingress may only {verb} secrets with fieldSelector type={TlsSecretType}"
            : "");
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
