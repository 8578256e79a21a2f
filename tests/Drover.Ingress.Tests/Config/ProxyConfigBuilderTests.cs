using Drover.Api;
using Drover.Ingress.Config;
using Drover.Ingress.Metrics;
using Drover.Ingress.Testing;
using Drover.Ingress.Tls;
using Prometheus;


namespace Drover.Ingress.Config.Tests;

using Ingress = Drover.Api.Ingress;

public sealed class ProxyConfigBuilderTests
{
    private static readonly TlsCertificate Fallback = FallbackCertificate.Create(TimeProvider.System);

    private static ProxyConfigBuilder Builder(string className = "drover") =>
        new(className, new DestinationRegistry(), new CertificateCache(), new IngressMetrics(Prometheus.Metrics.NewCustomRegistry()), Fallback);

    private static ClusterObjects Cluster(IEnumerable<Ingress> ingresses, IEnumerable<Service>? services = null, IEnumerable<Endpoints>? endpoints = null, IEnumerable<Secret>? secrets = null, IEnumerable<IngressClass>? classes = null) =>
        new([.. ingresses], Objects.Keyed([.. services ?? []]), Objects.Keyed([.. endpoints ?? []]), Objects.Keyed([.. secrets ?? []]), Objects.Keyed([.. classes ?? [Objects.DefaultClass()]]));

    [Fact]
    public void Build_SeedIngress_RoutesEachPathToItsServicesReadyEndpoints()
    {
        var cluster = Cluster(
            [Objects.Ingress("default", "my-ingress", "api.example.com", Objects.Path("/users", "user-service"), Objects.Path("/orders", "order-service"))],
            [Objects.Service("default", "user-service"), Objects.Service("default", "order-service")],
            [Objects.Endpoints("default", "user-service", 8080, ["10.42.0.5", "10.42.0.6"], notReady: ["10.42.0.7"]), Objects.Endpoints("default", "order-service", 8080, ["10.42.0.9"])]);

        var config = Builder().Build(cluster, 1);

        var users = config.Routes.Match("api.example.com", "/users/7").Target!;
        Assert.Equal("default/my-ingress", users.Ingress);
        Assert.Equal(["10.42.0.5:8080", "10.42.0.6:8080"], users.Backend.Destinations.Select(d => d.Address));
        Assert.Equal("http://10.42.0.9:8080", Assert.Single(config.Routes.Match("api.example.com", "/orders").Target!.Backend.Destinations).Prefix);
        Assert.False(config.Routes.Match("api.example.com", "/usersx").Found);
        Assert.False(config.Routes.Match("other.example.com", "/users").Found);
    }

    [Fact]
    public void Build_OnlyNotReadyAddresses_BackendHasNoDestinationAndSaysWhy()
    {
        var cluster = Cluster(
            [Objects.Ingress("shop", "web", "shop.example.com", Objects.Path("/", "web"))],
            [Objects.Service("shop", "web")],
            [Objects.Endpoints("shop", "web", 8080, [], notReady: ["10.42.0.7"])]);

        var backend = Builder().Build(cluster, 1).Routes.Match("shop.example.com", "/").Target!.Backend;

        Assert.Empty(backend.Destinations);
        Assert.Equal("service shop/web (port 80) has no ready endpoint", backend.Problem);
    }

    [Fact]
    public void Build_MissingServiceOrPort_BackendProblemNamesIt()
    {
        var cluster = Cluster(
            [Objects.Ingress("shop", "web", "shop.example.com", Objects.Path("/a", "absent"), Objects.Path("/b", "web", port: 81))],
            [Objects.Service("shop", "web", port: 80)],
            [Objects.Endpoints("shop", "web", 8080, ["10.42.0.5"])]);

        var config = Builder().Build(cluster, 1);

        Assert.Equal("service shop/absent not found", config.Routes.Match("shop.example.com", "/a").Target!.Backend.Problem);
        Assert.Equal("service shop/web has no port 81", config.Routes.Match("shop.example.com", "/b").Target!.Backend.Problem);
    }

    [Fact]
    public void Build_BackendByPortName_ResolvesTheNamedEndpointPort()
    {
        var path = new HttpIngressPath
        {
            Path = "/",
            PathType = "Prefix",
            Backend = new IngressBackend { Service = new IngressServiceBackend { Name = "web", Port = new ServiceBackendPort { Name = "http" } } },
        };
        var service = Objects.Service("shop", "web", port: 80, portName: "http") with { };
        var cluster = Cluster(
            [Objects.Ingress("shop", "web", "shop.example.com", path)],
            [service],
            [Objects.Endpoints("shop", "web", 9376, ["10.42.0.5"], portName: "http")]);

        var backend = Builder().Build(cluster, 1).Routes.Match("shop.example.com", "/").Target!.Backend;

        Assert.Equal("10.42.0.5:9376", Assert.Single(backend.Destinations).Address);
        Assert.Equal("http", backend.Port);
    }

    [Theory]
    [InlineData(null, true, true)]          // class-less, our class is the default: ours
    [InlineData(null, false, false)]        // class-less, our class is not the default: not ours
    [InlineData("drover", false, true)]
    [InlineData("nginx", true, false)]
    public void Build_IngressClass_ServesOursAndClassLessWhenDefault(string? className, bool ourClassIsDefault, bool served)
    {
        var ingress = Objects.Ingress("shop", "web", "shop.example.com", Objects.Path("/", "web"));
        ingress = ingress with { Spec = ingress.Spec with { IngressClassName = className } };
        var cluster = Cluster([ingress], [Objects.Service("shop", "web")], classes: [Objects.DefaultClass(isDefault: ourClassIsDefault)]);

        var config = Builder().Build(cluster, 1);

        Assert.Equal(served, config.Routes.Match("shop.example.com", "/").Found);
        Assert.Equal(served ? 1 : 0, config.Served.Count);
    }

    [Fact]
    public void Build_SamePathInTwoIngresses_OlderIngressWins()
    {
        var older = Objects.Ingress("a", "first", "shop.example.com", Objects.Path("/", "web"));
        var newer = Objects.Ingress("b", "second", "shop.example.com", Objects.Path("/", "web"));
        var cluster = Cluster([newer, older], [Objects.Service("a", "web"), Objects.Service("b", "web")]);

        Assert.Equal("a/first", Builder().Build(cluster, 1).Routes.Match("shop.example.com", "/x").Target!.Ingress);
    }

    [Fact]
    public void Build_DefaultBackend_ServesUnmatchedRequests()
    {
        var ingress = Objects.Ingress("shop", "web", "shop.example.com", Objects.Path("/api", "api"));
        ingress = ingress with { Spec = ingress.Spec with { DefaultBackend = new IngressBackend { Service = new IngressServiceBackend { Name = "fallback", Port = new ServiceBackendPort { Number = 80 } } } } };
        var cluster = Cluster([ingress], [Objects.Service("shop", "api"), Objects.Service("shop", "fallback")]);

        var config = Builder().Build(cluster, 1);

        Assert.Equal("fallback", config.Routes.Match("shop.example.com", "/web").Target!.Backend.Service);
        Assert.Equal("fallback", config.Routes.Match("unknown.example.org", "/").Target!.Backend.Service);
        Assert.Equal("api", config.Routes.Match("shop.example.com", "/api").Target!.Backend.Service);
    }

    [Fact]
    public void Build_UnknownPathType_SkipsThePathWithAWarning()
    {
        var cluster = Cluster([Objects.Ingress("shop", "web", "shop.example.com", Objects.Path("/", "web", pathType: "Regex"))], [Objects.Service("shop", "web")]);

        var config = Builder().Build(cluster, 1);

        Assert.False(config.Routes.Match("shop.example.com", "/").Found);
        Assert.Contains(config.Warnings, w => w.Contains("pathType \"Regex\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_TlsSecret_SelectedBySniAndRedirectsPlainHttp()
    {
        var (secret, certificate) = Objects.TlsSecret("shop", "shop-tls", "shop.example.com", "*.shop.example.com");
        var ingress = Objects.Ingress("shop", "web", "shop.example.com", Objects.Path("/", "web"));
        ingress = ingress with { Spec = ingress.Spec with { Tls = [new IngressTls { Hosts = ["shop.example.com", "*.shop.example.com"], SecretName = "shop-tls" }] } };
        var plain = Objects.Ingress("other", "web", "plain.example.com", Objects.Path("/", "web"));
        var cluster = Cluster([ingress, plain], [Objects.Service("shop", "web"), Objects.Service("other", "web")], secrets: [secret]);

        var config = Builder().Build(cluster, 1);

        Assert.Equal(certificate.Thumbprint, config.Certificates.Select("shop.example.com").Leaf.Thumbprint);
        Assert.Equal(certificate.Thumbprint, config.Certificates.Select("EU.Shop.Example.com").Leaf.Thumbprint);
        Assert.Same(Fallback, config.Certificates.Select("a.b.shop.example.com"));
        Assert.Same(Fallback, config.Certificates.Select(null));
        Assert.True(config.Routes.Match("shop.example.com", "/").Target!.SslRedirect);
        Assert.False(config.Routes.Match("plain.example.com", "/").Target!.SslRedirect);
    }

    [Fact]
    public void Build_SslRedirectAnnotationFalse_DoesNotRedirect()
    {
        var (secret, _) = Objects.TlsSecret("shop", "shop-tls", "shop.example.com");
        var ingress = Objects.Ingress("shop", "web", "shop.example.com", Objects.Path("/", "web"));
        ingress = ingress with
        {
            Metadata = ingress.Metadata with { Annotations = new() { ["nginx.ingress.kubernetes.io/ssl-redirect"] = "false" } },
            Spec = ingress.Spec with { Tls = [new IngressTls { Hosts = ["shop.example.com"], SecretName = "shop-tls" }] },
        };

        var config = Builder().Build(Cluster([ingress], [Objects.Service("shop", "web")], secrets: [secret]), 1);

        Assert.False(config.Routes.Match("shop.example.com", "/").Target!.SslRedirect);
    }

    [Fact]
    public void Build_MissingTlsSecret_WarnsAndServesTheFallback()
    {
        var ingress = Objects.Ingress("shop", "web", "shop.example.com", Objects.Path("/", "web"));
        ingress = ingress with { Spec = ingress.Spec with { Tls = [new IngressTls { Hosts = ["shop.example.com"], SecretName = "absent" }] } };

        var config = Builder().Build(Cluster([ingress], [Objects.Service("shop", "web")]), 1);

        Assert.Same(Fallback, config.Certificates.Select("shop.example.com"));
        Assert.Contains(config.Warnings, w => w.Contains("shop/absent not found", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_Twice_KeepsPassiveHealthOfAddressesThatStay()
    {
        var builder = Builder();
        var cluster = Cluster([Objects.Ingress("shop", "web", "shop.example.com", Objects.Path("/", "web"))], [Objects.Service("shop", "web")], [Objects.Endpoints("shop", "web", 8080, ["10.42.0.5"])]);
        var first = builder.Build(cluster, 1).Routes.Match("shop.example.com", "/").Target!.Backend.Destinations[0];
        first.Health.MarkFailed(long.MaxValue);

        var second = builder.Build(cluster, 2).Routes.Match("shop.example.com", "/").Target!.Backend.Destinations[0];

        Assert.Same(first.Health, second.Health);
        Assert.False(second.Health.IsHealthy(0));
    }
}
