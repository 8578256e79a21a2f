using System.Text.Json;
using Drover.Api;
using Drover.ControlPlane.Api;
using Drover.ControlPlane.Registry;

namespace Drover.ControlPlane.Api;

/// <summary>
/// POST /api/v1/namespaces/NS/pods/NAME/binding with a Binding body. The router has already authorised
/// it as verb "create" on "pods/binding" (admins only); the work is <see cref="PodBinder"/>'s.
/// </summary>
public sealed class BindingEndpoint
{
    private readonly PodBinder _binder;

    public BindingEndpoint(PodBinder binder)
    {
        ArgumentNullException.ThrowIfNull(binder);
        _binder = binder;
    }

    public async Task HandleAsync(HttpContext context, ApiPath path)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(path);
        if (path.Namespace is null)
            throw new ApiException(ApiErrors.PathNotFound(context.Request.Path.Value ?? ""));
        var ct = context.RequestAborted;
        var json = await RequestBody.ReadJsonAsync(context.Request, isPatch: false, ct).ConfigureAwait(false);
        Binding binding;
        try
        {
            binding = JsonSerializer.Deserialize(json, ApiJsonContext.Default.Binding) ?? throw new JsonException("the body is null");
        }
        catch (JsonException e)
        {
            throw new ApiException(ApiErrors.InvalidManifest(ObjectDecoder.TranslateJsonError(e)));
        }
        if (binding.Kind is { Length: > 0 } kind && kind != "Binding")
            throw new ApiException(ApiErrors.BadRequest($"the body is a {kind} but the URL addresses pods/binding, which takes a Binding"));
        if (binding.Metadata.Name is { Length: > 0 } name && name != path.Name)
            throw new ApiException(ApiErrors.BadRequest($"the name of the binding (\"{name}\") does not match the pod in the URL (\"{path.Name}\")"));
        if (binding.Metadata.Namespace is { Length: > 0 } ns && ns != path.Namespace)
            throw new ApiException(ApiErrors.BadRequest($"the namespace of the binding (\"{ns}\") does not match the namespace of the request (\"{path.Namespace}\")"));
        if (binding.Target.Kind is { Length: > 0 } targetKind && targetKind != "Node")
            throw new ApiException(ApiErrors.Invalid(ResourceTypes.Pods, path.Name, [new FieldError("target.kind", FieldErrorType.NotSupported, $"\"{targetKind}\"", "supported values: \"Node\"")]));

        await _binder.BindAsync(path.Namespace!, path.Name!, binding.Target.Name ?? "", binding.Metadata.Uid, null, ct).ConfigureAwait(false);
        // kube-apiserver answers a binding with a Success Status, 201 Created.
        await ResponseWriter.WriteStatusAsync(context, ApiErrors.Success(ResourceTypes.Pods, path.Name!, null) with { Code = 201 }).ConfigureAwait(false);
    }
}
