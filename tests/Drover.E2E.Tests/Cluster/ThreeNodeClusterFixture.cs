using Drover.Api;
using Drover.Api.Client;
using Drover.Testing;

namespace Drover.E2E.Cluster.Tests;

/// <summary>
/// Issue 4's cluster, every part real: droverd (default --node-monitor-grace-period and
/// --pod-eviction-timeout, 20 s each), three nodes (node-10, node-11, node-12: each its own private
/// containerd, bridge drover1X, podCIDR 10.88.1X.0/24 and drover-agent process with its defaults), and the
/// seed Deployment and Service applied with the drover CLI, three replicas Ready before any test runs. The
/// agents drain a deleted pod for 1 s before SIGTERM (--termination-drain-delay): without it the rolling
/// update's Endpoints check fails now and then (see TestCluster.ZeroDowntimeAgentArgs).
/// Node indexes 10-12 are apart from the other containerd tests' (0, 3, 5-9).
/// </summary>
public sealed class ThreeNodeClusterFixture : IAsyncLifetime
{
    public static readonly int[] NodeIndexes = [10, 11, 12];

    private TestCluster? _cluster;

    public TestCluster Cluster => _cluster ?? throw new InvalidOperationException("the cluster did not start");

    public async Task InitializeAsync()
    {
        _cluster = await TestCluster.StartAsync(new TestClusterOptions { NodeIndexes = NodeIndexes, AgentArgs = TestCluster.ZeroDowntimeAgentArgs });
        var manifests = SeedManifests.Write(Path.Combine(_cluster.WorkDirectory, "manifests"));
        var applied = await _cluster.CliAsync("apply", "-f", manifests);
        if (applied.ExitCode != 0)
            throw new InvalidOperationException($"drover apply -f {manifests} failed:\n{applied}\n{_cluster.Diagnostics()}");
        await WaitForDeploymentAsync(SeedManifests.ImageV1, TimeSpan.FromSeconds(120), "the seed Deployment's 3 replicas Ready");
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
            await _cluster.DisposeAsync();
    }

    /// <summary>
    /// Waits until the Deployment is settled: status up to date and 3 ready and available replicas, and the
    /// pods themselves say so: exactly 3 not terminating, Ready, running <paramref name="image"/>, none on
    /// <paramref name="avoidNode"/> (a dead node's pods keep a stale Ready until droverd marks them).
    /// </summary>
    public async Task<IReadOnlyList<Pod>> WaitForDeploymentAsync(string image, TimeSpan timeout, string what, string? avoidNode = null)
    {
        IReadOnlyList<Pod> pods = [];
        await Cluster.WaitAsync(async api =>
        {
            var deployment = await api.GetAsync(ResourceTypes.Deployments, "default", SeedManifests.DeploymentName);
            if (!IsSettled(deployment))
                return false;
            pods = await LivePodsAsync(api);
            return pods.Count == 3 && pods.All(p => IsReady(p) && p.Spec.NodeName != avoidNode && p.Spec.Containers[0].Image == image);
        }, timeout, what);
        return pods;
    }

    /// <summary>The Deployment's pods that are not being deleted.</summary>
    public async Task<IReadOnlyList<Pod>> LivePodsAsync(DroverClient api) =>
        [.. (await Cluster.ListPodsAsync(api, "default", SeedManifests.Selector)).Where(p => p.Metadata.DeletionTimestamp is null)];

    public static bool IsSettled(Deployment deployment) =>
        deployment.Status is { } s && s.ObservedGeneration >= deployment.Metadata.Generation
        && s.Replicas == 3 && s.UpdatedReplicas == 3 && s.ReadyReplicas == 3 && s.AvailableReplicas == 3;

    public static bool IsReady(Pod pod) => TestCluster.IsReady(pod);
}

[CollectionDefinition(Name)]
public sealed class ThreeNodeClusterCollection : ICollectionFixture<ThreeNodeClusterFixture>
{
    public const string Name = "three-node cluster (droverd + containerd 10, 11, 12 + three drover-agents)";
}
