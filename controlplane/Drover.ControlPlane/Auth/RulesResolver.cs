using Drover.Api;

namespace Drover.ControlPlane.Auth;

/// <summary>
/// What an identity may do in a namespace, as rules (Kubernetes' RuleResolver behind SelfSubjectRulesReview), found by
/// asking the <see cref="Authorizer"/> itself about every resource, subresource and verb the API serves: the rules
/// cannot say other than what a request is told. Each question is asked for any object (no name) and then, if refused,
/// for the names the node authorizer grants by (<see cref="NodeAuthorizer.NamesGranted"/>).
/// What the request stage cannot see is not listed: permissions that need a field selector (a node's pods by
/// spec.nodeName, the ingress's TLS secrets by type), objects a node's pods reference, and the checks made on the object
/// itself (a node may get a pod only if it is bound to it); such a listing is marked incomplete.
/// </summary>
public sealed class RulesResolver
{
    private readonly Authorizer _authorizer;

    public RulesResolver(Authorizer authorizer)
    {
        ArgumentNullException.ThrowIfNull(authorizer);
        _authorizer = authorizer;
    }

    /// <summary>The rules of <paramref name="principal"/> in <paramref name="ns"/> (cluster-scoped resources always; namespaced ones only when a namespace is given).</summary>
    public async Task<IReadOnlyList<ResourceRule>> ResourceRulesAsync(Principal principal, string? ns, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(principal);
        // The admin may do everything (Kubernetes' system:masters), including what Drover does not serve.
        if (principal.Kind == PrincipalKind.Admin)
            return [new ResourceRule("*", "*", [], ["*"])];
        var names = principal.NodeName is { } self ? NodeAuthorizer.NamesGranted(self) : [];
        var rules = new List<ResourceRule>();
        foreach (var type in ResourceTypes.All)
        {
            var scope = type.Namespaced ? NullIfEmpty(ns) : null;
            if (type.Namespaced && scope is null)
                continue;
            foreach (var (subresource, verbs) in ResourcesOf(type))
            {
                var anyObject = new List<string>();
                var named = new Dictionary<string, List<string>>(StringComparer.Ordinal);
                foreach (var verb in verbs)
                {
                    if (await AllowedAsync(principal, verb, new ResourceAttributes(type, scope, null, subresource), ct).ConfigureAwait(false))
                    {
                        anyObject.Add(verb);
                        continue;
                    }
                    foreach (var name in names)
                    {
                        if (await AllowedAsync(principal, verb, new ResourceAttributes(type, scope, name, subresource), ct).ConfigureAwait(false))
                            (named.TryGetValue(name, out var list) ? list : named[name] = []).Add(verb);
                    }
                }
                var resource = subresource is null ? type.Plural : type.Plural + "/" + subresource;
                if (anyObject.Count > 0)
                    rules.Add(new ResourceRule(type.Group, resource, [], anyObject));
                foreach (var (name, granted) in named)
                    rules.Add(new ResourceRule(type.Group, resource, [name], granted));
            }
        }
        return rules;
    }

    private async ValueTask<bool> AllowedAsync(Principal principal, string verb, ResourceAttributes path, CancellationToken ct) =>
        await _authorizer.CheckRequestAsync(principal, verb, path, ct).ConfigureAwait(false) is null;

    /// <summary>The resource itself with its verbs, then each subresource with its own (as discovery lists them).</summary>
    private static IEnumerable<(string? Subresource, IReadOnlyList<string> Verbs)> ResourcesOf(ResourceType type)
    {
        yield return (null, type.Verbs);
        foreach (var subresource in type.Subresources)
            yield return (subresource.Name, subresource.Verbs);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
