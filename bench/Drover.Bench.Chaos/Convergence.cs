using System.Diagnostics;
using Drover.Api;
using Drover.Api.Client;
using Drover.Testing;

namespace Drover.Bench.Chaos;

/// <summary>
/// When the cluster is whole again: every daemon up, every node Ready, the Deployment's rollout done (3 updated,
/// ready, available replicas of its current template and no other pod), the Service's Endpoints exactly those 3 pods,
/// and the app answering 200 through the ingress.
/// </summary>
internal sealed class Convergence(ChaosCluster chaos)
{
    public async Task<bool> HoldsAsync()
    {
        if (chaos.Droverd.HasExited || chaos.Ingress.HasExited || chaos.Cluster.Nodes.Any(n => n.Agent is not { HasExited: false } || ChaosCluster.ContainerdPid(n) is null))
            return false;
        try
        {
            using var api = chaos.Droverd.Client(TimeSpan.FromSeconds(5));
            foreach (var node in chaos.Cluster.Nodes)
            {
                if (!TestCluster.IsReady(await api.TryGetAsync(ResourceTypes.Nodes, null, node.Name).ConfigureAwait(false)))
                    return false;
            }
            var deployment = await api.GetAsync(ResourceTypes.Deployments, "default", SeedManifests.DeploymentName).ConfigureAwait(false);
            if (deployment.Status is not { Replicas: 3, UpdatedReplicas: 3, ReadyReplicas: 3, AvailableReplicas: 3 } status
                || status.ObservedGeneration < deployment.Metadata.Generation)
                return false;
            var image = deployment.Spec.Template.Spec.Containers[0].Image;
            var pods = (await api.ListAsync(ResourceTypes.Pods, "default", SeedManifests.Selector).ConfigureAwait(false)).Items.OfType<Pod>().ToList();
            if (pods.Count != 3 || pods.Any(p => p.Metadata.DeletionTimestamp is not null || !TestCluster.IsReady(p) || p.Spec.Containers[0].Image != image))
                return false;
            var endpoints = await api.TryGetAsync(ResourceTypes.Endpoints, "default", SeedManifests.ServiceName).ConfigureAwait(false);
            var ready = endpoints?.Subsets?.SelectMany(s => s.Addresses ?? []).Select(a => a.Ip).Order().ToList() ?? [];
            var notReady = endpoints?.Subsets?.Sum(s => s.NotReadyAddresses?.Count ?? 0) ?? 0;
            if (notReady != 0 || !ready.SequenceEqual(pods.Select(p => p.Status?.PodIP).Order()))
                return false;
        }
        catch (Exception e) when (e is ApiClientException or OperationCanceledException or HttpRequestException)
        {
            return false;
        }
        using var http = IngressHttp.Client(chaos.Ingress.HttpPort);
        http.Timeout = TimeSpan.FromSeconds(5);
        try
        {
            using var response = await http.GetAsync(new Uri($"http://{ChaosCluster.Host}/")).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Polls every 250 ms; returns how long it took, or null when it did not hold within <paramref name="bound"/>.</summary>
    public async Task<TimeSpan?> WaitAsync(TimeSpan bound)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < bound)
        {
            if (await HoldsAsync().ConfigureAwait(false))
                return clock.Elapsed;
            await Task.Delay(250).ConfigureAwait(false);
        }
        return null;
    }
}
