using System.Collections.Concurrent;
using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Leadership.Tests;
using Drover.ControlPlane.Testing;
using Drover.Testing;

namespace Drover.ControlPlane.Registry.Allocation.Tests;

/// <summary>
/// Cluster IPs and node ports on the HA cluster (3 etcd members, 3 droverd replicas): every replica allocates with
/// the write it serves, each with its own cached copy of the range records, so only the records' compare-and-swap
/// in etcd keeps two replicas from handing out one address.
/// </summary>
[Trait("Category", "Process")]
[Collection(HaClusterCollection.Name)]
public sealed class ServiceAllocationHaTests(HaClusterFixture fixture)
{
    [Fact]
    public async Task Create_ConcurrentlyOnEveryReplica_NoClusterIpOrNodePortHandedOutTwice()
    {
        var ha = fixture.Cluster;
        using var admin = ha.Client(TimeSpan.FromSeconds(60));
        var ns = await TestNamespaces.CreateAsync(admin);
        const int workersPerReplica = 6, createsPerWorker = 25;
        var refusals = new ConcurrentBag<string>();

        await Task.WhenAll(Enumerable.Range(0, ha.Replicas.Length).SelectMany(replica => Enumerable.Range(0, workersPerReplica).Select(w => Task.Run(async () =>
        {
            using var client = new DroverClient(ha.SettingsStartingAt(replica), TimeSpan.FromSeconds(60));
            for (var i = 0; i < createsPerWorker; i++)
            {
                var name = $"r{replica}-{w}-{i}";
                try
                {
                    // NodePort: 2,768 ports for 450 Services, so replicas that ignored each other would collide many times.
                    await client.CreateAsync(ResourceTypes.Services, ServiceAllocationTests.NewService(ns, name, type: "NodePort"));
                }
                catch (ApiClientException e)
                {
                    refusals.Add($"{name}: {e.Code} {e.Message}");
                }
            }
        }))));

        Assert.Empty(refusals);
        var services = (await admin.ListAsync(ResourceTypes.Services, ns)).Items.Cast<Service>().ToList();
        Assert.Equal(ha.Replicas.Length * workersPerReplica * createsPerWorker, services.Count);
        var ips = services.Select(s => s.Spec.ClusterIP).ToList();
        Assert.Equal(ips.Count, ips.Distinct().Count());
        var ports = services.Select(s => s.Spec.Ports![0].NodePort).ToList();
        Assert.All(ports, p => Assert.InRange(p!.Value, 30000, 32767));
        Assert.Equal(ports.Count, ports.Distinct().Count());
    }
}
