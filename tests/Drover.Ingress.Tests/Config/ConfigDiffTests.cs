using Drover.Ingress.Config;
using Drover.Ingress.Metrics;
using Drover.Ingress.Testing;
using Drover.Ingress.Tls;

namespace Drover.Ingress.Config.Tests;

public sealed class ConfigDiffTests
{
    private static readonly ProxyConfigBuilder Builder = new("drover", new DestinationRegistry(), new CertificateCache(), new IngressMetrics(Prometheus.Metrics.NewCustomRegistry()), FallbackCertificate.Create(TimeProvider.System));

    private static ProxyConfig Build(params string[] ready) => Builder.Build(new ClusterObjects(
        [Objects.Ingress("shop", "web", "shop.example.com", Objects.Path("/", "web"))],
        Objects.Keyed(Objects.Service("shop", "web")),
        Objects.Keyed(Objects.Endpoints("shop", "web", 8080, ready)),
        Objects.Keyed<Drover.Api.Secret>(),
        Objects.Keyed(Objects.DefaultClass())), 1);

    [Fact]
    public void Between_FirstSnapshot_ListsHostsAndBackends()
    {
        var changes = ConfigDiff.Between(null, Build("10.42.0.5"));

        Assert.Equal(["+host shop.example.com", "+backend shop/web:80 [10.42.0.5:8080]"], changes);
    }

    [Fact]
    public void Between_EndpointScaled_ListsAddedAndRemovedAddresses()
    {
        var changes = ConfigDiff.Between(Build("10.42.0.5", "10.42.0.6"), Build("10.42.0.6", "10.42.0.7"));

        Assert.Equal(["backend shop/web:80: +10.42.0.7:8080 -10.42.0.5:8080"], changes);
    }

    [Fact]
    public void Between_NothingChanged_IsEmpty()
    {
        Assert.Empty(ConfigDiff.Between(Build("10.42.0.5"), Build("10.42.0.5")));
    }
}
