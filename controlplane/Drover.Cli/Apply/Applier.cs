using System.Text;
using System.Text.Json.Nodes;
using Drover.Api;
using Drover.Api.Client;
using Drover.Cli.Manifests;

namespace Drover.Cli.Apply;

/// <summary>Client-side apply of one object: create it, or patch the live one toward the manifest (kubectl's three-way diff).</summary>
internal sealed class Applier(DroverClient client)
{
    public async Task<ApplyOutcome> ApplyAsync(ManifestObject manifest, string? ns, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var type = manifest.Type;
        var modified = LastAppliedConfiguration.WithAnnotation(manifest.Json);
        var live = await client.TryGetAsync(type, ns, manifest.Name, ct).ConfigureAwait(false);
        if (live is null)
        {
            var body = Encoding.UTF8.GetBytes(modified.ToJsonString());
            await client.CreateRawAsync(type, ns, body, "application/json", ct).ConfigureAwait(false);
            return ApplyOutcome.Created;
        }
        var current = (JsonObject)JsonNode.Parse(type.SerializeToUtf8Bytes(live), documentOptions: JsonInput.DocumentOptions)!;
        var patch = ThreeWayMergePatch.Create(LastAppliedConfiguration.Read(current), modified, current);
        if (patch.Count == 0)
            return ApplyOutcome.Unchanged;
        var updated = await client.PatchAsync(type, ns, manifest.Name, patch.ToJsonString(), ct: ct).ConfigureAwait(false);
        // A patch that changes nothing the server keeps (e.g. 0.5 vs "500m") leaves the revision alone.
        return updated.Metadata.ResourceVersion == live.Metadata.ResourceVersion ? ApplyOutcome.Unchanged : ApplyOutcome.Configured;
    }
}
