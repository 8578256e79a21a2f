using System.Globalization;
using Drover.Testing;

namespace Drover.ControlPlane.Leadership.Tests;

/// <summary>
/// One HA cluster (3 etcd members, 3 droverd replicas) for all the HA proofs, which run one after another, with one real
/// node (private containerd <see cref="NodeIndex"/>, drover-agent given the three replicas): run under the machine-wide
/// lock. The node-monitor grace period is short (15 s), so a node the new leader would wrongly find silent turns
/// NotReady within a test's patience.
/// </summary>
public sealed class HaClusterFixture : IAsyncLifetime
{
    public const int NodeIndex = 27;
    public static readonly TimeSpan NodeMonitorGracePeriod = TimeSpan.FromSeconds(15);

    public HaCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cluster = await HaCluster.StartAsync(replicas: 3, "--node-monitor-grace-period", ((int)NodeMonitorGracePeriod.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s");
        try
        {
            // A heartbeat every 2 s leaves 13 s of the grace period to a loaded machine, not 5 s.
            await Cluster.StartNodeAsync(NodeIndex, "--lease-interval", "2s");
        }
        catch
        {
            await Cluster.DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class HaClusterCollection : ICollectionFixture<HaClusterFixture>
{
    public const string Name = "ha cluster";
}
