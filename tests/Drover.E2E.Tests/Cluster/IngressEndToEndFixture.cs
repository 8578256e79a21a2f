using Drover.Api;
using Drover.Api.Client;
using Drover.Testing;

namespace Drover.E2E.Cluster.Tests;

/// <summary>
/// Issue 5 on real pods: droverd, two nodes (node-16, node-17: each its own private containerd, bridge
/// drover16/17, podCIDR 10.88.16.0/24 and 10.88.17.0/24, and a drover-agent with its defaults — the default
/// termination drain delay is what the zero-downtime rollout relies on), a drover-ingress process with
/// droverd's ingress credential, and the seed Ingress (api.example.com: /users → user-service, /orders →
/// order-service) in front of two real Deployments of the sample app, three replicas each, applied with the
/// drover CLI. Node indexes 16 and 17 are apart from every other containerd test's.
/// </summary>
public sealed class IngressEndToEndFixture : IAsyncLifetime
{
    public static readonly int[] NodeIndexes = [16, 17];
    public const int Replicas = 3;

    private TestCluster? _cluster;
    private IngressProcess? _ingress;

    public TestCluster Cluster => _cluster ?? throw new InvalidOperationException("the cluster did not start");

    public IngressProcess Ingress => _ingress ?? throw new InvalidOperationException("drover-ingress did not start");

    public async Task InitializeAsync()
    {
        _cluster = await TestCluster.StartAsync(new TestClusterOptions { NodeIndexes = NodeIndexes });
        _ingress = await IngressProcess.StartAsync(Cluster.Binaries, Cluster.Droverd.IngressConfigPath);
        var manifests = SeedManifests.WriteIngressScenario(Path.Combine(Cluster.WorkDirectory, "manifests"));
        var applied = await Cluster.CliAsync("apply", "-f", manifests);
        if (applied.ExitCode != 0)
            throw new InvalidOperationException($"drover apply -f {manifests} failed:\n{applied}\n{Diagnostics()}");
        foreach (var service in SeedManifests.IngressServices)
            await WaitForDeploymentAsync(service, Replicas, SeedManifests.ImageV1, TimeSpan.FromSeconds(120));
    }

    public async Task DisposeAsync()
    {
        if (_ingress is not null)
            await _ingress.DisposeAsync();
        if (_cluster is not null)
            await _cluster.DisposeAsync();
    }

    /// <summary>The cluster's diagnostics and the tail of drover-ingress's output, for failure messages.</summary>
    public string Diagnostics() =>
        Cluster.Diagnostics() + "---- drover-ingress (last 30 lines)\n" + string.Join('\n', (_ingress?.Output ?? "").Split('\n').TakeLast(30));

    /// <summary>
    /// Waits until Deployment <paramref name="name"/> is settled at <paramref name="replicas"/> and the pods say
    /// so: exactly that many with app=NAME, none terminating, all Ready and running <paramref name="image"/>.
    /// </summary>
    public async Task<IReadOnlyList<Pod>> WaitForDeploymentAsync(string name, int replicas, string image, TimeSpan timeout)
    {
        IReadOnlyList<Pod> pods = [];
        await Cluster.WaitAsync(async api =>
        {
            var deployment = await api.GetAsync(ResourceTypes.Deployments, "default", name);
            if (deployment.Status is not { } s || s.ObservedGeneration < deployment.Metadata.Generation
                || s.Replicas != replicas || s.UpdatedReplicas != replicas || s.ReadyReplicas != replicas || s.AvailableReplicas != replicas)
                return false;
            pods = await Cluster.ListPodsAsync(api, "default", "app=" + name);
            return pods.Count == replicas && pods.All(p => p.Metadata.DeletionTimestamp is null && TestCluster.IsReady(p) && p.Spec.Containers[0].Image == image);
        }, timeout, $"Deployment {name} settled at {replicas} ready replica(s) of {image}");
        return pods;
    }

    /// <summary>The Deployment's pods that are not being deleted.</summary>
    public async Task<IReadOnlyList<Pod>> LivePodsAsync(DroverClient api, string name) =>
        [.. (await Cluster.ListPodsAsync(api, "default", "app=" + name)).Where(p => p.Metadata.DeletionTimestamp is null)];

}

[CollectionDefinition(Name)]
public sealed class IngressEndToEndCollection : ICollectionFixture<IngressEndToEndFixture>
{
    public const string Name = "ingress end to end (droverd + containerd 16, 17 + two drover-agents + drover-ingress)";
}
