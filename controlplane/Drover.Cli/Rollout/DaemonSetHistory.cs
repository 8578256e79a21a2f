using Drover.Api;
using Drover.Api.Client;

namespace Drover.Cli.Rollout;

/// <summary>Reads a DaemonSet's history: the ControllerRevisions it controls (kubectl's controlledHistoryV1).</summary>
internal static class DaemonSetHistory
{
    public static async Task<IReadOnlyList<ControllerRevision>> ListAsync(DroverClient client, DaemonSet daemonSet, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(daemonSet);
        // The selector only narrows the listing; ownership decides.
        var selector = daemonSet.Spec.Selector is null ? null : Selector.FromLabelSelector(daemonSet.Spec.Selector).ToString();
        var page = await client.ListAsync(ResourceTypes.ControllerRevisions, daemonSet.Metadata.Namespace, selector, ct: ct).ConfigureAwait(false);
        return [.. page.Items.Where(r => r.Metadata.OwnerReferences?.Any(o => o.Controller == true && o.Uid == daemonSet.Metadata.Uid) == true)];
    }
}
