using System.Text;
using System.Text.Json.Nodes;
using Drover.Api;
using Drover.Api.Client;
using Drover.Cli.Manifests;

namespace Drover.Cli.Apply;

/// <summary>
/// Apply of one object. Client-side (kubectl's default): create it, or patch the live one toward the manifest with the
/// three-way diff. Server-side (`--server-side`): one apply patch and the server merges by field ownership. A server dry
/// run sends the same requests with dryRun=All; a client dry run sends no write at all.
/// </summary>
internal sealed class Applier(DroverClient client, ApplyOptions? options = null)
{
    private readonly ApplyOptions _options = options ?? new ApplyOptions();

    public async Task<ApplyResult> ApplyAsync(ManifestObject manifest, string? ns, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (_options.ServerSide)
            return await ServerSideAsync(manifest, ns, ct).ConfigureAwait(false);
        var type = manifest.Type;
        var modified = LastAppliedConfiguration.WithAnnotation(manifest.Json);
        var live = await client.TryGetAsync(type, ns, manifest.Name, ct).ConfigureAwait(false);
        if (live is null)
        {
            if (_options.DryRun == DryRun.Client)
                return new ApplyResult(ApplyOutcome.Created, null);
            var body = Encoding.UTF8.GetBytes(modified.ToJsonString());
            var created = await SendAsync(HttpMethod.Post, DroverClient.CollectionPath(type, ns), body, "application/json", type, ct).ConfigureAwait(false);
            return new ApplyResult(ApplyOutcome.Created, created);
        }
        var current = (JsonObject)JsonNode.Parse(type.SerializeToUtf8Bytes(live), documentOptions: JsonInput.DocumentOptions)!;
        var patch = ThreeWayMergePatch.Create(LastAppliedConfiguration.Read(current), modified, current);
        if (patch.Count == 0)
            return new ApplyResult(ApplyOutcome.Unchanged, live);
        if (_options.DryRun == DryRun.Client)
            return new ApplyResult(ApplyOutcome.Configured, null);
        var updated = await SendAsync(HttpMethod.Patch, DroverClient.ObjectPath(type, ns, manifest.Name), Encoding.UTF8.GetBytes(patch.ToJsonString()),
            "application/merge-patch+json", type, ct).ConfigureAwait(false);
        // A patch that changes nothing the server keeps (e.g. 0.5 vs "500m") leaves the revision alone.
        var changed = _options.DryRun == DryRun.Server
            ? !JsonNode.DeepEquals(Comparable(type, updated), Comparable(type, live))
            : updated.Metadata.ResourceVersion != live.Metadata.ResourceVersion;
        return new ApplyResult(changed ? ApplyOutcome.Configured : ApplyOutcome.Unchanged, updated);
    }

    private async Task<ApplyResult> ServerSideAsync(ManifestObject manifest, string? ns, CancellationToken ct)
    {
        if (_options.DryRun == DryRun.Client)
            throw new CliException("error: --dry-run=client doesn't work with --server-side (did you mean --dry-run=server instead?)");
        var query = $"?fieldManager={Uri.EscapeDataString(_options.FieldManager)}" + (_options.ForceConflicts ? "&force=true" : "");
        var path = DroverClient.ObjectPath(manifest.Type, ns, manifest.Name) + query;
        var applied = await SendAsync(HttpMethod.Patch, path, Encoding.UTF8.GetBytes(manifest.Json.ToJsonString()), "application/apply-patch+yaml", manifest.Type, ct).ConfigureAwait(false);
        return new ApplyResult(ApplyOutcome.ServerSideApplied, applied);
    }

    private async Task<KubeObject> SendAsync(HttpMethod method, string path, byte[] body, string contentType, ResourceType type, CancellationToken ct)
    {
        if (_options.DryRun == DryRun.Server)
            path += (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "dryRun=All";
        return type.Deserialize(await client.SendRawAsync(method, path, body, contentType, ct).ConfigureAwait(false));
    }

    // What a dry run would change: everything but the bookkeeping a real write moves on its own.
    private static JsonNode? Comparable(ResourceType type, KubeObject obj)
    {
        var node = JsonNode.Parse(type.SerializeToUtf8Bytes(obj));
        if (node?["metadata"] is JsonObject metadata)
        {
            metadata.Remove("resourceVersion");
            metadata.Remove("generation");
            metadata.Remove("managedFields");
        }
        return node;
    }
}
