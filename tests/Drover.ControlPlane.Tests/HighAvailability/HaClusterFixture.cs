using Drover.Testing;

namespace Drover.ControlPlane.Leadership.Tests;

/// <summary>One HA cluster (3 etcd members, 3 droverd replicas) for all the HA proofs, which run one after another.</summary>
public sealed class HaClusterFixture : IAsyncLifetime
{
    public HaCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await HaCluster.StartAsync(replicas: 3);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class HaClusterCollection : ICollectionFixture<HaClusterFixture>
{
    public const string Name = "ha cluster";
}
