using Drover.Store.Etcd;
using Drover.Testing;
using static Drover.Store.Tests.StoreTestValues;

namespace Drover.Store.Etcd.Tests;

/// <summary>A member that demands client certificates (<c>--client-cert-auth</c>): the store's TLS options are what gets in.</summary>
[Trait("Category", "Process")]
[Collection(EtcdClusterCollection.Name)]
public sealed class EtcdStoreTlsTests
{
    [Fact]
    public async Task ConnectAsync_ClientCertificateFromCa_ReadsAndWrites_WithoutOne_Fails()
    {
        await using var cluster = await EtcdCluster.StartAsync(members: 1, tls: true);
        var tls = cluster.Tls!;
        var options = new EtcdStoreOptions
        {
            Endpoints = cluster.ClientUrls,
            CaFile = tls.CaFile,
            CertFile = tls.ClientCertFile,
            KeyFile = tls.ClientKeyFile,
            KeyPrefix = "/tls",
        };

        await using (var store = await EtcdStore.ConnectAsync(options))
        {
            await store.CreateAsync("/a", Bytes("secret"));
            Assert.Equal("secret", Text((await store.GetAsync("/a"))!.Value));
        }

        var noCertificate = options with { CertFile = null, KeyFile = null, RequestTimeout = TimeSpan.FromSeconds(3) };
        await Assert.ThrowsAsync<StoreException>(() => EtcdStore.ConnectAsync(noCertificate));
    }
}
