using System.Security.Cryptography;
using Drover.Api;
using Drover.ControlPlane.Auth;
using Drover.ControlPlane.Controllers;
using Drover.ControlPlane.Storage;

namespace Drover.ControlPlane.Api;

/// <summary>
/// The verbs on every resource type, generic over <see cref="ResourceType"/>. Each verb lives in its own
/// partial file; what they share — decoding, admission, namespace checks — is here.
/// </summary>
public sealed partial class ResourceEndpoints
{
    private readonly ObjectStore _objects;
    private readonly TimeProvider _time;
    private readonly ServerOptions _options;
    private readonly GarbageCollector _collector;
    private readonly ObjectDeleter _deleter;
    private readonly Authorizer _authorizer;
    private readonly PodCidrAllocator _cidrs;
    private readonly WatchEventCache _watchCache;

    public ResourceEndpoints(ObjectStore objects, TimeProvider time, ServerOptions options, GarbageCollector collector, ObjectDeleter deleter, Authorizer authorizer, PodCidrAllocator cidrs, WatchEventCache watchCache)
    {
        ArgumentNullException.ThrowIfNull(watchCache);
        _watchCache = watchCache;
        ArgumentNullException.ThrowIfNull(authorizer);
        ArgumentNullException.ThrowIfNull(cidrs);
        _authorizer = authorizer;
        _cidrs = cidrs;
        ArgumentNullException.ThrowIfNull(deleter);
        _deleter = deleter;
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(collector);
        _objects = objects;
        _time = time;
        _options = options;
        _collector = collector;
    }

    private void Authorize(HttpContext context, string verb, ApiPath path, KubeObject obj) =>
        _authorizer.AuthorizeObject(TokenAuthentication.PrincipalOf(context), verb, path, obj);

    /// <summary>Decodes a body strictly and checks it is the kind the URL names.</summary>
    private static KubeObject DecodeBody(byte[] json, ApiPath path)
    {
        KubeObject obj;
        ResourceType bodyType;
        try
        {
            obj = ObjectDecoder.Decode(json, out bodyType);
        }
        catch (ManifestException e)
        {
            throw new ApiException(ApiErrors.InvalidManifest(e, path.Type));
        }
        if (bodyType != path.Type)
            throw new ApiException(ApiErrors.BadRequest($"the body is a {bodyType.Kind} ({bodyType.ApiVersion}) but the URL addresses {path.Type.Plural} ({path.Type.ApiVersion})"));

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

    /// <summary>Server-side defaults then validation, as Kubernetes' admission chain orders them.</summary>
    private static KubeObject Admit(ResourceType type, KubeObject obj, KubeObject? existing)
    {
        var defaulted = ObjectDefaulter.ApplyDefaults(obj);
        var errors = existing is null ? ObjectValidator.Validate(defaulted) : ObjectValidator.ValidateUpdate(defaulted, existing);
        if (errors.Count > 0)
            throw new ApiException(ApiErrors.Invalid(type, defaulted.Metadata.Name ?? defaulted.Metadata.GenerateName, errors));
        return defaulted;
    }

    private async Task EnsureNamespaceAcceptsAsync(ResourceType type, string? ns, CancellationToken ct)
    {
        if (!type.Namespaced)
            return;
        if (string.IsNullOrEmpty(ns))
            throw new ApiException(ApiErrors.BadRequest($"{type.Plural} are namespaced: use /namespaces/NAME/{type.Plural}"));
        var owner = await _objects.GetAsync(ResourceTypes.Namespaces, null, ns, ct).ConfigureAwait(false);
        if (owner is null)
            throw new ApiException(ApiErrors.NotFound(ResourceTypes.Namespaces, ns));
        if (owner.Metadata.DeletionTimestamp is not null)
            throw new ApiException(ApiErrors.Forbidden($"unable to create new content in namespace {ns} because it is being terminated"));
    }

    /// <summary>generateName's suffix: five characters from Kubernetes' unambiguous alphabet.</summary>
    private static string RandomSuffix()
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        Span<char> chars = stackalloc char[5];
        for (var i = 0; i < chars.Length; i++)
            chars[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        return new string(chars);
    }

    private static bool SpecChanged(ResourceType type, KubeObject updated, KubeObject existing)
    {
        var empty = new ObjectMeta();
        var a = type.SerializeToUtf8Bytes(updated.WithStatusFrom(null) with { Metadata = empty });
        var b = type.SerializeToUtf8Bytes(existing.WithStatusFrom(null) with { Metadata = empty });
        return !a.AsSpan().SequenceEqual(b);
    }
}
