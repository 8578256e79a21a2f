using System.Text.Json;
using System.Text.Json.Nodes;
using Drover.Api;
using Drover.Api.Patching;
using Drover.ControlPlane.Auth;

namespace Drover.ControlPlane.Api;

public sealed partial class ResourceEndpoints
{
    /// <summary>
    /// PATCH with application/apply-patch+yaml: server-side apply (<see cref="ServerSideApply"/>). Creates the object
    /// when it is not there; otherwise merges the applied configuration, a conflict with another manager being a 409
    /// naming the fields unless <c>?force=true</c>. <c>?fieldManager=</c> is required, as in Kubernetes.
    /// </summary>
    private async Task ApplyAsync(HttpContext context, ApiPath path, byte[] body, bool statusOnly, bool dryRun)
    {
        var ct = context.RequestAborted;
        var query = context.Request.Query;
        var manager = FieldManagerParameter.ForApply(context.Request);
        var force = QueryParameters.Bool(query, "force");
        JsonNode? parsed;
        try
        {
            parsed = JsonInput.ParseNode(body);
            if (ObjectDecoder.ResolveType(body) != path.Type)
                throw new ApiException(ApiErrors.BadRequest($"the applied configuration is not a {path.Type.Kind} ({path.Type.ApiVersion})"));
        }
        catch (ManifestException e)
        {
            throw new ApiException(ApiErrors.InvalidManifest(e, path.Type));
        }
        if (parsed is not JsonObject config)
            throw new ApiException(ApiErrors.BadRequest("an applied configuration must be an object"));

        // Only a lost race of the write is applied again (someone wrote in between: apply to what is stored now); a
        // conflict between appliers is the answer.
        var writing = false;
        var (code, written) = await ConflictRetry.RetryOnConflictAsync(async token =>
        {
            writing = false;
            var existing = await _registry.GetAsync(path.Type, path.Namespace, path.Name!, token).ConfigureAwait(false);
            var live = existing is null ? null : (JsonObject?)JsonNode.Parse(path.Type.SerializeToUtf8Bytes(existing), documentOptions: JsonInput.DocumentOptions);
            JsonObject merged;
            try
            {
                merged = ServerSideApply.Apply(live, config, path.Type.ClrType, manager, force, path.Type.ApiVersion, _time.GetUtcNow());
            }
            catch (ApplyConflictException e)
            {
                throw new ApiException(ApiErrors.ApplyConflict(path.Type, path.Name!, e.Message, e.Conflicts));
            }
            catch (PatchException e)
            {
                throw new ApiException(ApiErrors.BadRequest("apply: " + e.Message));
            }
            var bytes = JsonSerializer.SerializeToUtf8Bytes(merged, NodeJsonContext.Default.JsonNode);
            try
            {
                JsonInput.Check(bytes);
            }
            catch (ManifestException e)
            {
                throw new ApiException(RequestBody.Refusal(e));
            }
            var incoming = DecodeBody(context, bytes, path);
            if (existing is null)
            {
                Authorize(context, "create", path, incoming);
                return (201, await _registry.CreateAsync(path.Type, incoming, dryRun, token).ConfigureAwait(false));
            }
            Authorize(context, "patch", path, existing);
            _authorizer.AdmitUpdate(TokenAuthentication.PrincipalOf(context), "patch", path.Attributes(query), existing, incoming);
            writing = true;
            return (200, await _registry.UpdateAsync(path.Type, incoming, existing, statusOnly, dryRun, token).ConfigureAwait(false));
        }, _ => writing, MaxPatchAttempts, ct).ConfigureAwait(false);
        await ResponseWriter.WriteObjectAsync(context, code, path.Type, written).ConfigureAwait(false);
    }
}
