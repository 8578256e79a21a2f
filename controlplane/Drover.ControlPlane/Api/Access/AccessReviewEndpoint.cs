using System.Text.Json;
using Drover.Api;
using Drover.ControlPlane.Api.Discovery;
using Drover.ControlPlane.Auth;

namespace Drover.ControlPlane.Api.Access;

/// <summary>
/// The two questions any authenticated client may ask about itself, answered by the same <see cref="Authorizer"/>
/// that guards every request: "may I?" (<c>kubectl auth can-i</c>, SelfSubjectAccessReview) and "who am I?"
/// (<c>kubectl auth whoami</c>, SelfSubjectReview). Neither is stored. The answer covers what the request stage of the
/// authorizer decides (verb, resource, namespace, name); checks on the object itself (a node's own pods) happen only
/// on the real request, as Kubernetes' NodeRestriction admission is invisible to can-i too.
/// </summary>
public sealed class AccessReviewEndpoint
{
    public const string AccessReviewPath = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
    public const string SelfReviewPath = "/apis/authentication.k8s.io/v1/selfsubjectreviews";
    public const string RulesReviewPath = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews";

    /// <summary>Why a listing for anyone but the admin is marked incomplete (kubectl prints it as a warning).</summary>
    internal const string IncompleteRules =
        "permissions that need a field selector, objects a node's pods reference, and checks on the object itself are not listed";

    private readonly Authorizer _authorizer;
    private readonly RulesResolver _rules;

    public AccessReviewEndpoint(Authorizer authorizer, RulesResolver rules)
    {
        ArgumentNullException.ThrowIfNull(authorizer);
        ArgumentNullException.ThrowIfNull(rules);
        _authorizer = authorizer;
        _rules = rules;
    }

    public async Task HandleAccessReviewAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            var review = await ReadAsync(context, AccessJsonContext.Default.SelfSubjectAccessReview, "SelfSubjectAccessReview", "authorization.k8s.io/v1",
                AccessReviewProtobuf.ReadAccessReview).ConfigureAwait(false);
            var status = await ReviewAsync(TokenAuthentication.PrincipalOf(context), review.Spec, context.RequestAborted).ConfigureAwait(false);
            await ResponseWriter.WriteJsonAsync(context, review with { ApiVersion = "authorization.k8s.io/v1", Kind = "SelfSubjectAccessReview", Metadata = new ObjectMeta(), Status = status },
                AccessJsonContext.Default.SelfSubjectAccessReview, statusCode: 201).ConfigureAwait(false);
        }
        catch (ApiException e)
        {
            await ResponseWriter.WriteStatusAsync(context, e.Status).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// SelfSubjectRulesReview (<c>kubectl auth can-i --list [-n NS]</c>): the caller's rules in the namespace, from
    /// <see cref="RulesResolver"/> (the authorizer asked about every resource and verb served), the paths outside the
    /// resource API it may read, and the review kinds everyone may create (Kubernetes' system:basic-user).
    /// </summary>
    public async Task HandleRulesReviewAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            var review = await ReadAsync(context, AccessJsonContext.Default.SelfSubjectRulesReview, "SelfSubjectRulesReview", "authorization.k8s.io/v1",
                AccessReviewProtobuf.ReadRulesReview).ConfigureAwait(false);
            var ns = review.Spec?.Namespace ?? "";
            if (ns.Length > 0 && NameRules.Dns1123Label(ns) is { } invalid)
                throw new ApiException(ApiErrors.Unprocessable($"spec.namespace: Invalid value: \"{Truncated(ns)}\": {invalid}"));
            var principal = TokenAuthentication.PrincipalOf(context);
            var status = await RulesAsync(principal, ns, context.RequestAborted).ConfigureAwait(false);
            await ResponseWriter.WriteJsonAsync(context, review with { ApiVersion = "authorization.k8s.io/v1", Kind = "SelfSubjectRulesReview", Metadata = new ObjectMeta(), Status = status },
                AccessJsonContext.Default.SelfSubjectRulesReview, statusCode: 201).ConfigureAwait(false);
        }
        catch (ApiException e)
        {
            await ResponseWriter.WriteStatusAsync(context, e.Status).ConfigureAwait(false);
        }
    }

    /// <summary>The status of a rules review for <paramref name="principal"/> in <paramref name="ns"/> ("" for cluster-scoped resources only).</summary>
    public async Task<SubjectRulesReviewStatus> RulesAsync(Principal principal, string ns, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var resourceRules = (await _rules.ResourceRulesAsync(principal, ns, ct).ConfigureAwait(false))
            .Select(r => new ResourceRuleEntry { Verbs = r.Verbs, ApiGroups = [r.Group], Resources = [r.Resource], ResourceNames = r.ResourceNames.Count == 0 ? null : r.ResourceNames })
            .Concat(DiscoveredResource.Reviews.Select(r => new ResourceRuleEntry { Verbs = ["create"], ApiGroups = [r.Group], Resources = [r.Plural] }));
        var urls = TokenAuthentication.NonResourceUrlsOf(principal);
        var admin = principal.Kind == PrincipalKind.Admin;
        return new SubjectRulesReviewStatus
        {
            ResourceRules = [.. resourceRules],
            NonResourceRules = urls.Count == 0 ? [] : [new NonResourceRuleEntry { Verbs = admin ? ["*"] : ["get"], NonResourceUrls = urls }],
            Incomplete = !admin,
            EvaluationError = admin ? null : IncompleteRules,
        };
    }

    private static string Truncated(string value) => value.Length <= 100 ? value : value[..100] + "...";

    public async Task HandleSelfReviewAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            // Nothing in the body matters (it asks about the caller); it is still read within the limits and checked.
            await ReadAsync(context, AccessJsonContext.Default.SelfSubjectReview, "SelfSubjectReview", "authentication.k8s.io/v1",
                _ => new SelfSubjectReview()).ConfigureAwait(false);
            var principal = TokenAuthentication.PrincipalOf(context);
            await ResponseWriter.WriteJsonAsync(context, new SelfSubjectReview
            {
                ApiVersion = "authentication.k8s.io/v1",
                Kind = "SelfSubjectReview",
                Metadata = new ObjectMeta(),
                Status = new SelfSubjectReviewStatus { UserInfo = new UserInfo { Username = principal.Name, Groups = GroupsOf(principal) } },
            }, AccessJsonContext.Default.SelfSubjectReview, statusCode: 201).ConfigureAwait(false);
        }
        catch (ApiException e)
        {
            await ResponseWriter.WriteStatusAsync(context, e.Status).ConfigureAwait(false);
        }
    }

    /// <summary>The groups Kubernetes would give the same identity, so RBAC habits read the same.</summary>
    public static IReadOnlyList<string> GroupsOf(Principal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return principal.Kind switch
        {
            PrincipalKind.Admin => ["system:masters", "system:authenticated"],
            PrincipalKind.Node => ["system:nodes", "system:authenticated"],
            _ => ["system:authenticated"],
        };
    }

    /// <summary>Allowed or not, with the authorizer's own reason; an unknown resource is denied for all but the admin.</summary>
    public async Task<SubjectAccessReviewStatus> ReviewAsync(Principal principal, SelfSubjectAccessReviewSpec? spec, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var attributes = spec?.ResourceAttributes;
        if (attributes is null == (spec?.NonResourceAttributes is null))
            throw new ApiException(ApiErrors.Unprocessable("spec: Invalid value: exactly one of resourceAttributes and nonResourceAttributes must be set"));
        // The admin may do everything (Kubernetes' system:masters), including verbs and resources Drover does not serve.
        if (principal.Kind == PrincipalKind.Admin)
            return new SubjectAccessReviewStatus { Allowed = true, Reason = "the cluster admin may do everything" };
        if (attributes is null)
            return new SubjectAccessReviewStatus { Allowed = false, Reason = $"only the cluster admin may use non-resource URLs" };
        if (string.IsNullOrEmpty(attributes.Verb))
            throw new ApiException(ApiErrors.Unprocessable("spec.resourceAttributes.verb: Required value"));
        var type = ResourceTypes.All.FirstOrDefault(t => t.Plural == attributes.Resource && t.Group == (attributes.Group ?? "")
            && (string.IsNullOrEmpty(attributes.Version) || t.Version == attributes.Version));
        if (type is null)
            return new SubjectAccessReviewStatus { Allowed = false, Reason = $"resource \"{attributes.Resource}\" in API group \"{attributes.Group}\" is not served, or not to {principal.Name}" };
        var path = new ResourceAttributes(type, type.Namespaced ? NullIfEmpty(attributes.Namespace) : null, NullIfEmpty(attributes.Name), NullIfEmpty(attributes.Subresource));
        try
        {
            await _authorizer.AuthorizeRequestAsync(principal, attributes.Verb, path, ct).ConfigureAwait(false);
            return new SubjectAccessReviewStatus { Allowed = true };
        }
        catch (ApiException e) when (e.Status.Code == 403)
        {
            return new SubjectAccessReviewStatus { Allowed = false, Reason = e.Status.Message };
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>A review body as JSON or YAML (strict, like every API object) or as protobuf, which kubectl sends.</summary>
    private static async Task<T> ReadAsync<T>(HttpContext context, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, string kind, string apiVersion,
        Func<byte[], T> fromProtobuf)
        where T : class
    {
        if (!HttpMethods.IsPost(context.Request.Method))
            throw new ApiException(ApiErrors.MethodNotAllowed(context.Request.Method, kind));
        if (AccessReviewProtobuf.IsProtobuf(context.Request.ContentType))
        {
            var body = await RequestBody.ReadBytesAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
            var (bodyKind, bodyApiVersion, raw) = AccessReviewProtobuf.ReadEnvelope(body);
            if (bodyKind != kind || bodyApiVersion != apiVersion)
                throw new ApiException(ApiErrors.BadRequest($"the body is a {bodyKind} ({bodyApiVersion}) but the URL addresses {kind} ({apiVersion})"));
            return fromProtobuf(raw);
        }
        var json = await RequestBody.ReadJsonAsync(context.Request, isPatch: false, context.RequestAborted).ConfigureAwait(false);
        try
        {
            var (bodyApiVersion, bodyKind) = ObjectDecoder.ReadTypeMeta(json);
            if ((bodyKind is { Length: > 0 } && bodyKind != kind) || (bodyApiVersion is { Length: > 0 } && bodyApiVersion != apiVersion))
                throw new ApiException(ApiErrors.BadRequest($"the body is a {bodyKind} ({bodyApiVersion}) but the URL addresses {kind} ({apiVersion})"));
            return JsonSerializer.Deserialize(json, typeInfo) ?? throw new ApiException(ApiErrors.BadRequest("the body is null"));
        }
        catch (JsonException e)
        {
            var translated = ObjectDecoder.TranslateJsonError(e);
            throw new ApiException(translated.UnknownField ? ApiErrors.BadRequest("strict decoding error: " + translated.Message) : ApiErrors.InvalidManifest(translated));
        }
        catch (ManifestException e)
        {
            throw new ApiException(ApiErrors.InvalidManifest(e));
        }
    }
}
