using System.Text.Json;
using System.Text.Json.Nodes;
using Drover.Api;
using Drover.ControlPlane.Auth;

namespace Drover.ControlPlane.Api;

public sealed partial class ResourceEndpoints
{
    public async Task GetAsync(HttpContext context, ApiPath path)
    {
        var obj = await _registry.GetRequiredAsync(path.Type, path.Namespace, path.Name!, context.RequestAborted).ConfigureAwait(false);
        Authorize(context, "get", path, obj);
        await ResponseWriter.WriteObjectAsync(context, 200, path.Type, obj).ConfigureAwait(false);
    }

    /// <summary>PUT: replace everything but server-owned metadata and status (or only status on /status).</summary>
    public async Task ReplaceAsync(HttpContext context, ApiPath path, bool statusOnly)
    {
        var ct = context.RequestAborted;
        var json = await RequestBody.ReadJsonAsync(context.Request, isPatch: false, ct).ConfigureAwait(false);
        var incoming = DecodeBody(json, path);
        var existing = await _registry.GetRequiredAsync(path.Type, path.Namespace, path.Name!, ct).ConfigureAwait(false);
        Authorize(context, "update", path, existing);
        _authorizer.AdmitUpdate(TokenAuthentication.PrincipalOf(context), "update", path.Attributes(context.Request.Query), existing, incoming);
        var updated = await _registry.UpdateAsync(path.Type, incoming, existing, statusOnly, ct).ConfigureAwait(false);
        await ResponseWriter.WriteObjectAsync(context, 200, path.Type, updated).ConfigureAwait(false);
    }

    /// <summary>PATCH: a JSON merge patch applied to the stored object, then the same path as PUT.</summary>
    public async Task PatchAsync(HttpContext context, ApiPath path, bool statusOnly)
    {
        var ct = context.RequestAborted;
        var patchJson = await RequestBody.ReadJsonAsync(context.Request, isPatch: true, ct).ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            var existing = await _registry.GetRequiredAsync(path.Type, path.Namespace, path.Name!, ct).ConfigureAwait(false);
            Authorize(context, "patch", path, existing);
            var incoming = ApplyPatch(path, existing, patchJson);
            _authorizer.AdmitUpdate(TokenAuthentication.PrincipalOf(context), "patch", path.Attributes(context.Request.Query), existing, incoming);
            try
            {
                var updated = await _registry.UpdateAsync(path.Type, incoming, existing, statusOnly, ct).ConfigureAwait(false);
                await ResponseWriter.WriteObjectAsync(context, 200, path.Type, updated).ConfigureAwait(false);
                return;
            }
            catch (ApiException e) when (e.Status.Code == 409 && attempt < MaxPatchAttempts && incoming.Metadata.ResourceVersion == existing.Metadata.ResourceVersion)
            {
                // A patch without a resourceVersion of its own applies to whatever is stored (as Kubernetes'
                // GuaranteedUpdate): a controller's write in between is no conflict for it, so apply it again.
            }
        }
    }

    private const int MaxPatchAttempts = 5;

    private static KubeObject ApplyPatch(ApiPath path, KubeObject existing, byte[] patchJson)
    {
        JsonNode? patch;
        try
        {
            patch = JsonInput.ParseNode(patchJson);
        }
        catch (ManifestException e)
        {
            throw new ApiException(ApiErrors.BadRequest("malformed merge patch: " + e.Message));
        }
        if (patch is not JsonObject)
            throw new ApiException(ApiErrors.BadRequest("a merge patch must be a JSON object"));
        var target = JsonNode.Parse(path.Type.SerializeToUtf8Bytes(existing), documentOptions: JsonInput.DocumentOptions);
        var merged = JsonSerializer.SerializeToUtf8Bytes(MergePatch.Apply(target, patch)!, NodeJsonContext.Default.JsonNode);
        // The object and the patch each fit the limits; what they make together must too.
        try
        {
            JsonInput.Check(merged);
        }
        catch (ManifestException e)
        {
            throw new ApiException(RequestBody.Refusal(e));
        }
        return DecodeBody(merged, path);
    }
}
