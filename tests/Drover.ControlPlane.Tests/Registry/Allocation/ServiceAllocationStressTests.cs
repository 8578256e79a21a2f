using System.Collections.Concurrent;
using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Testing;
using Drover.Testing;

namespace Drover.ControlPlane.Registry.Allocation.Tests;

/// <summary>A droverd with a small service CIDR (/24: 254 addresses) and node port range, so that frees and reuse happen all the time.</summary>
[Trait("Category", "Process")]
public sealed class ServiceAllocationStressTests
{
    private const int Usable = 254;

    [Fact]
    public async Task CreateDelete_ThousandsConcurrently_NeverTwiceAndNothingLeaksAcrossRestart()
    {
        await using var server = await DroverdProcess.StartAsync(null, "--service-cidr", "10.96.0.0/24", "--service-node-port-range", "30000-30299");
        var client = server.Client(TimeSpan.FromSeconds(60));
        var ns = await TestNamespaces.CreateAsync(client);
        const int workers = 32, createsPerWorker = 64, keptPerWorker = 6;
        var refusals = new ConcurrentBag<string>();

        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var alive = new Queue<string>();
            for (var i = 0; i < createsPerWorker; i++)
            {
                var name = $"s{w}-{i}";
                try
                {
                    await client.CreateAsync(ResourceTypes.Services, ServiceAllocationTests.NewService(ns, name, type: i % 2 == 0 ? "NodePort" : null));
                    alive.Enqueue(name);
                }
                catch (ApiClientException e)
                {
                    refusals.Add($"{name}: {e.Code} {e.Message}");
                }
                if (alive.Count > keptPerWorker)
                    await client.DeleteAsync(ResourceTypes.Services, ns, alive.Dequeue());
            }
        })));

        // Never more than 32 × 7 alive at once, fewer than the range holds: no create may have been refused.
        Assert.Empty(refusals);
        var live = await LiveAsync(client, ns);
        Assert.Equal(workers * keptPerWorker, live.Count);
        AssertDistinct(live);

        // The records survive a restart: filling the range now takes exactly the addresses nobody holds.
        await server.StopAsync();
        await server.StartAgainAsync();
        client = server.Client(TimeSpan.FromSeconds(60));
        var free = Usable - live.Count;
        for (var i = 0; i < free; i++)
            await client.CreateAsync(ResourceTypes.Services, ServiceAllocationTests.NewService(ns, $"fill-{i}"));
        var full = await Assert.ThrowsAsync<ApiClientException>(() => client.CreateAsync(ResourceTypes.Services, ServiceAllocationTests.NewService(ns, "one-too-many")));

        Assert.Equal(422, full.Code);
        Assert.Equal("spec.clusterIP", Assert.Single(full.Status.Details!.Causes!).Field);
        Assert.Contains("range is full", full.Message, StringComparison.Ordinal);
        var all = await LiveAsync(client, ns);
        Assert.Equal(Usable, all.Count);
        AssertDistinct(all);
    }

    private static async Task<List<Service>> LiveAsync(DroverClient client, string ns) =>
        [.. (await client.ListAsync(ResourceTypes.Services, ns)).Items.Cast<Service>()];

    private static void AssertDistinct(List<Service> services)
    {
        var ips = services.Select(s => s.Spec.ClusterIP).ToList();
        Assert.All(ips, ip => Assert.StartsWith("10.96.0.", ip, StringComparison.Ordinal));
        Assert.Equal(ips.Count, ips.Distinct().Count());
        var ports = services.Where(s => s.Spec.Type == "NodePort").Select(s => s.Spec.Ports![0].NodePort).ToList();
        Assert.All(ports, p => Assert.InRange(p!.Value, 30000, 30299));
        Assert.Equal(ports.Count, ports.Distinct().Count());
    }
}
