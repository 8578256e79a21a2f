using Drover.Store.Etcd;
using Drover.Store.Tests;
using Drover.Testing;

namespace Drover.Store.Etcd.Tests;

/// <summary>A real 3-member etcd cluster on free loopback ports for the whole collection; each test gets its own key prefix.</summary>
public sealed class EtcdClusterFixture : IAsyncLifetime
{
    public EtcdCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await EtcdCluster.StartAsync(members: 3);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    public EtcdStoreOptions Options(string? prefix = null) => new()
    {
        Endpoints = Cluster.ClientUrls,
        KeyPrefix = prefix ?? $"/test/{Guid.NewGuid():N}",
    };

    public Task<StoreUnderTest> OpenAsync()
    {
        var options = Options();
        return StoreUnderTest.OpenAsync(async () => await EtcdStore.ConnectAsync(options));
    }
}
