using System.Text.Json;
using System.Text.Json.Nodes;
using Drover.Api;
using Drover.ControlPlane.Storage;

namespace Drover.ControlPlane.Api;

public sealed partial class ResourceEndpoints
{
    public async Task GetAsync(HttpContext context, ApiPath path)
    {
        var obj = await _objects.GetRequiredAsync(path.Type, path.Namespace, path.Name!, context.RequestAborted).ConfigureAwait(false);
        Authorize(context, "get", path, obj);
        await ResponseWriter.WriteObjectAsync(context, 200, path.Type, obj).ConfigureAwait(false);
    }

    /// <summary>PUT: replace everything but server-owned metadata and status (or only status on /status).</summary>
    public async Task ReplaceAsync(HttpContext context, ApiPath path, bool statusOnly)
    {
        var ct = context.RequestAborted;
        var json = await RequestBody.ReadJsonAsync(context.Request, isPatch: false, ct).ConfigureAwait(false);
        var incoming = DecodeBody(json, path);
        var existing = await _objects.GetRequiredAsync(path.Type, path.Namespace, path.Name!, ct).ConfigureAwait(false);
        Authorize(context, "update", path, existing);
        var updated = await UpdateAsync(path, incoming, existing, statusOnly, ct).ConfigureAwait(false);
        await ResponseWriter.WriteObjectAsync(context, 200, path.Type, updated).ConfigureAwait(false);
    }

    /// <summary>PATCH: a JSON merge patch applied to the stored object, then the same path as PUT.</summary>
    public async Task PatchAsync(HttpContext context, ApiPath path, bool statusOnly)
    {
        var ct = context.RequestAborted;
        var patchJson = await RequestBody.ReadJsonAsync(context.Request, isPatch: true, ct).ConfigureAwait(false);
        var existing = await _objects.GetRequiredAsync(path.Type, path.Namespace, path.Name!, ct).ConfigureAwait(false);
        Authorize(context, "patch", path, existing);
        var incoming = ApplyPatch(path, existing, patchJson);
        var updated = await UpdateAsync(path, incoming, existing, statusOnly, ct).ConfigureAwait(false);
        await ResponseWriter.WriteObjectAsync(context, 200, path.Type, updated).ConfigureAwait(false);
    }

    private static KubeObject ApplyPatch(ApiPath path, KubeObject existing, byte[] patchJson)
    {
        JsonNode? patch;
        try
        {
            patch = JsonNode.Parse(patchJson, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new ApiException(ApiErrors.BadRequest($"malformed merge patch at line {(e.LineNumber ?? 0) + 1}, column {(e.BytePositionInLine ?? 0) + 1}"));
        }
        if (patch is not JsonObject)
            throw new ApiException(ApiErrors.BadRequest("a merge patch must be a JSON object"));
        var target = JsonNode.Parse(path.Type.SerializeToUtf8Bytes(existing));
        var merged = MergePatch.Apply(target, patch)!;
        return DecodeBody(JsonSerializer.SerializeToUtf8Bytes(merged, NodeJsonContext.Default.JsonNode), path);
    }

    /// <summary>
    /// The one write path for PUT, PATCH and the /status and /scale subresources: server-owned fields
    /// are kept, a stale resourceVersion is a 409, an unchanged object is not written at all.
    /// </summary>
    internal async Task<KubeObject> UpdateAsync(ApiPath path, KubeObject incoming, KubeObject existing, bool statusOnly, CancellationToken ct)
    {
        var type = path.Type;
        var existingRevision = ObjectStore.ParseResourceVersion(existing);
        var requestedRevision = ObjectStore.ParseResourceVersion(incoming);
        if (requestedRevision != 0 && requestedRevision != existingRevision)
            throw new ApiException(ApiErrors.Conflict(type, path.Name!));

        var old = existing.Metadata;
        KubeObject updated;
        if (statusOnly)
        {
            updated = existing.WithStatusFrom(incoming);
        }
        else
        {
            var meta = incoming.Metadata with
            {
                Uid = old.Uid,
                CreationTimestamp = old.CreationTimestamp,
                Generation = old.Generation,
                DeletionTimestamp = old.DeletionTimestamp,
                DeletionGracePeriodSeconds = old.DeletionGracePeriodSeconds,
                GenerateName = old.GenerateName,
                ResourceVersion = old.ResourceVersion,
            };
            updated = (incoming with { Metadata = meta }).WithStatusFrom(existing);
            updated = Admit(type, updated, existing);
            if (SpecChanged(type, updated, existing))
                updated = updated with { Metadata = updated.Metadata with { Generation = (old.Generation ?? 0) + 1 } };
        }

        if (ObjectStore.Encode(type, updated).AsSpan().SequenceEqual(ObjectStore.Encode(type, existing)))
            return existing;

        var written = await _objects.UpdateAsync(type, updated, existingRevision, ct).ConfigureAwait(false);
        // The last finalizer removed from an object being deleted completes the deletion.
        if (written.Metadata.DeletionTimestamp is not null && (written.Metadata.Finalizers?.Count ?? 0) == 0 && !ObjectDeleter.IsGracefulPod(written))
            return await _objects.DeleteAsync(type, written.Metadata.Namespace, written.Metadata.Name!, ObjectStore.ParseResourceVersion(written), ct).ConfigureAwait(false);
        return written;
    }
}
