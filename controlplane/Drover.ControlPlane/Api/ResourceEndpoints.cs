using Drover.Api;
using Drover.ControlPlane.Auth;
using Drover.ControlPlane.Registry;

namespace Drover.ControlPlane.Api;

/// <summary>
/// The verbs on every resource type, generic over <see cref="ResourceType"/>. Each verb lives in its own
/// partial file; what they share — decoding, admission, namespace checks — is here.
/// </summary>
public sealed partial class ResourceEndpoints
{
    private readonly ObjectService _registry;
    private readonly ServerOptions _options;
    private readonly Authorizer _authorizer;
    private readonly TimeProvider _time;

    public ResourceEndpoints(ObjectService registry, ServerOptions options, Authorizer authorizer, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(authorizer);
        _registry = registry;
        _options = options;
        _authorizer = authorizer;
    }

    private void Authorize(HttpContext context, string verb, ApiPath path, KubeObject obj) =>
        _authorizer.AuthorizeObject(TokenAuthentication.PrincipalOf(context), verb, path.Attributes(context.Request.Query), obj);

    /// <summary>
    /// Decodes a body and checks it is the kind the URL names. Unknown fields are refused, or dropped with a
    /// <c>Warning</c> header each, or dropped silently, as the request's fieldValidation asks.
    /// </summary>
    private static KubeObject DecodeBody(HttpContext context, byte[] json, ApiPath path)
    {
        KubeObject obj;
        ResourceType bodyType;
        var mode = QueryParameters.FieldValidation(context.Request.Query);
        var dropped = new List<string>();
        try
        {
            obj = UnknownFields.Decode(json, path.Type, mode, out bodyType, dropped);
        }
        catch (ManifestException e) when (e.UnknownField)
        {
            // Kubernetes' strict decoding error, word for word, so kubectl prints what users search for.
            throw new ApiException(ApiErrors.UnknownField(path.Type, e.Field ?? ""));
        }
        catch (ManifestException e)
        {
            throw new ApiException(ApiErrors.InvalidManifest(e, path.Type));
        }
        if (mode == FieldValidationMode.Warn)
        {
            foreach (var field in dropped)
                WarningHeader.Add(context.Response, $"unknown field \"{field}\"");
        }
        if (bodyType != path.Type)
            throw new ApiException(ApiErrors.BadRequest($"the body is a {bodyType.Kind} ({bodyType.ApiVersion}) but the URL addresses {path.Type.Plural} ({path.Type.ApiVersion})"));
        ResourceVersionInput.Validate(path.Type, obj);

        var bodyNamespace = obj.Metadata.Namespace;
        if (path.Type.Namespaced)
        {
            if (!string.IsNullOrEmpty(bodyNamespace) && path.Namespace is not null && bodyNamespace != path.Namespace)
                throw new ApiException(ApiErrors.BadRequest($"the namespace of the object (\"{bodyNamespace}\") does not match the namespace of the request (\"{path.Namespace}\")"));
            obj = obj with { Metadata = obj.Metadata with { Namespace = path.Namespace ?? bodyNamespace } };
        }
        else if (!string.IsNullOrEmpty(bodyNamespace))
        {
            throw new ApiException(ApiErrors.BadRequest($"metadata.namespace: {path.Type.Kind} is not namespaced; remove namespace \"{bodyNamespace}\""));
        }

        if (path.Name is not null)
        {
            var bodyName = obj.Metadata.Name;
            if (!string.IsNullOrEmpty(bodyName) && bodyName != path.Name)
                throw new ApiException(ApiErrors.BadRequest($"the name of the object (\"{bodyName}\") does not match the name in the URL (\"{path.Name}\")"));
            obj = obj with { Metadata = obj.Metadata with { Name = path.Name } };
        }
        return obj;
    }
}
