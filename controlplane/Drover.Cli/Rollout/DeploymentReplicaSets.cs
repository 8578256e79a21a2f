using Drover.Api;
using Drover.Api.Client;

namespace Drover.Cli.Rollout;

/// <summary>Reads a Deployment's history: the ReplicaSets it controls.</summary>
internal static class DeploymentReplicaSets
{
    public static async Task<IReadOnlyList<ReplicaSet>> ListAsync(DroverClient client, Deployment deployment, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(deployment);
        // The selector only narrows the listing; ownership decides (another Deployment may select the same pods).
        var selector = deployment.Spec.Selector is null ? null : Selector.FromLabelSelector(deployment.Spec.Selector).ToString();
        var page = await client.ListAsync(ResourceTypes.ReplicaSets, deployment.Metadata.Namespace, selector, ct: ct).ConfigureAwait(false);
        return Revisions.OwnedBy(deployment, page.Items);
    }
}
