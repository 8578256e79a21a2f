using System.Text.Json;
using System.Text.Json.Nodes;
using Drover.Api;
using Drover.Api.Patching;
using Drover.ControlPlane.Auth;

namespace Drover.ControlPlane.Api;

public sealed partial class ResourceEndpoints
{
    public async Task GetAsync(HttpContext context, ApiPath path)
    {
        var obj = await _registry.GetRequiredAsync(path.Type, path.Namespace, path.Name!, context.RequestAborted).ConfigureAwait(false);
        Authorize(context, "get", path, obj);
        if (TableOutput.FromRequest(context.Request) is { } table)
        {
            context.Response.ContentType = TableOutput.ContentType;
            using (var writer = new Utf8JsonWriter(new BlockBufferWriter(context.Response.BodyWriter), ApiJson.WriterOptions))
                table.WriteSingle(writer, path.Type, obj, _time.GetUtcNow());
            await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            return;
        }
        await ResponseWriter.WriteObjectAsync(context, 200, path.Type, obj).ConfigureAwait(false);
    }

    /// <summary>PUT: replace everything but server-owned metadata and status (or only status on /status).</summary>
    public async Task ReplaceAsync(HttpContext context, ApiPath path, bool statusOnly)
    {
        var ct = context.RequestAborted;
        var json = await RequestBody.ReadJsonAsync(context.Request, isPatch: false, ct).ConfigureAwait(false);
        var incoming = DecodeBody(context, json, path);
        var manager = FieldManagerParameter.ForUpdate(context.Request);
        var existing = await _registry.GetRequiredAsync(path.Type, path.Namespace, path.Name!, ct).ConfigureAwait(false);
        Authorize(context, "update", path, existing);
        _authorizer.AdmitUpdate(TokenAuthentication.PrincipalOf(context), "update", path.Attributes(context.Request.Query), existing, incoming);
        var updated = await _registry.UpdateAsync(path.Type, incoming, existing, statusOnly, QueryParameters.DryRun(context.Request.Query), manager, ct).ConfigureAwait(false);
        await ResponseWriter.WriteObjectAsync(context, 200, path.Type, updated).ConfigureAwait(false);
    }

    /// <summary>PATCH: a JSON merge patch applied to the stored object, then the same path as PUT.</summary>
    public async Task PatchAsync(HttpContext context, ApiPath path, bool statusOnly)
    {
        var ct = context.RequestAborted;
        var dryRun = QueryParameters.DryRun(context.Request.Query);
        var (patchJson, format) = await RequestBody.ReadPatchAsync(context.Request, ct).ConfigureAwait(false);
        if (format == RequestBody.Format.ApplyPatch)
        {
            await ApplyAsync(context, path, patchJson, statusOnly, dryRun).ConfigureAwait(false);
            return;
        }
        var manager = FieldManagerParameter.ForUpdate(context.Request);
        // A patch without a resourceVersion of its own applies to whatever is stored (as Kubernetes' GuaranteedUpdate):
        // a controller's write in between is no conflict for it, so it is applied again; one with its own is answered.
        var ownPrecondition = false;
        var updated = await ConflictRetry.RetryOnConflictAsync(async token =>
        {
            var existing = await _registry.GetRequiredAsync(path.Type, path.Namespace, path.Name!, token).ConfigureAwait(false);
            Authorize(context, "patch", path, existing);
            var incoming = ApplyPatch(context, path, existing, patchJson, format);
            _authorizer.AdmitUpdate(TokenAuthentication.PrincipalOf(context), "patch", path.Attributes(context.Request.Query), existing, incoming);
            ownPrecondition = incoming.Metadata.ResourceVersion != existing.Metadata.ResourceVersion;
            return await _registry.UpdateAsync(path.Type, incoming, existing, statusOnly, dryRun, manager, token).ConfigureAwait(false);
        }, _ => !ownPrecondition, MaxPatchAttempts, ct).ConfigureAwait(false);
        await ResponseWriter.WriteObjectAsync(context, 200, path.Type, updated).ConfigureAwait(false);
    }

    private const int MaxPatchAttempts = 5;

    private static KubeObject ApplyPatch(HttpContext context, ApiPath path, KubeObject existing, byte[] patchJson, RequestBody.Format format)
    {
        var kind = format switch
        {
            RequestBody.Format.JsonPatch => "JSON patch",
            RequestBody.Format.StrategicMergePatch => "strategic merge patch",
            _ => "merge patch",
        };
        JsonNode? patch;
        try
        {
            patch = JsonInput.ParseNode(patchJson);
        }
        catch (ManifestException e)
        {
            throw new ApiException(ApiErrors.BadRequest($"malformed {kind}: " + e.Message));
        }
        if (patch is null || (format != RequestBody.Format.JsonPatch && patch is not JsonObject))
            throw new ApiException(ApiErrors.BadRequest($"a {kind} must be a JSON object"));
        var target = JsonNode.Parse(path.Type.SerializeToUtf8Bytes(existing), documentOptions: JsonInput.DocumentOptions);
        JsonNode? result;
        try
        {
            result = format switch
            {
                RequestBody.Format.JsonPatch => JsonPatch.Apply(target, patch),
                RequestBody.Format.StrategicMergePatch => StrategicMergePatch.Apply((JsonObject)target!, (JsonObject)patch, path.Type.ClrType),
                _ => MergePatch.Apply(target, patch),
            };
        }
        catch (PatchException e)
        {
            throw new ApiException(e.Unprocessable ? ApiErrors.Unprocessable($"{kind}: {e.Message}") : ApiErrors.BadRequest($"{kind}: {e.Message}"));
        }
        if (result is not JsonObject)
            throw new ApiException(ApiErrors.Unprocessable($"the {kind} leaves no object"));
        var merged = JsonSerializer.SerializeToUtf8Bytes(result, NodeJsonContext.Default.JsonNode);
        // The object and the patch each fit the limits; what they make together must too.
        try
        {
            JsonInput.Check(merged);
        }
        catch (ManifestException e)
        {
            throw new ApiException(RequestBody.Refusal(e));
        }
        return DecodeBody(context, merged, path);
    }
}
