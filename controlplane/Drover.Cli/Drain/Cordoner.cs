using Drover.Api;
using Drover.Api.Client;

namespace Drover.Cli.Drain;

/// <summary>kubectl's CordonHelper: spec.unschedulable set or cleared, written only when it changes.</summary>
internal static class Cordoner
{
    /// <summary>Returns kubectl's line: "node/x cordoned", "node/x already cordoned", "node/x uncordoned", ...</summary>
    public static async Task<string> SetAsync(DroverClient client, string node, bool unschedulable, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        var current = await client.GetAsync(ResourceTypes.Nodes, null, node, ct).ConfigureAwait(false);
        var verb = unschedulable ? "cordoned" : "uncordoned";
        if ((current.Spec.Unschedulable == true) == unschedulable)
            return $"node/{node} already {verb}";
        // Schedulable is the absence of the field, as Kubernetes stores it (omitempty).
        var patch = unschedulable ? "{\"spec\":{\"unschedulable\":true}}" : "{\"spec\":{\"unschedulable\":null}}";
        await client.PatchAsync(ResourceTypes.Nodes, null, node, patch, ct: ct).ConfigureAwait(false);
        return $"node/{node} {verb}";
    }
}
