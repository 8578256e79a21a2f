using Drover.Agent.ServiceProxy;
using Drover.Api;

namespace Drover.Agent.ServiceProxy.Tests;

public sealed class ProxyModelTests
{
    private static Service Service(string clusterIp, string? type = null) => new()
    {
        Metadata = new ObjectMeta { Name = "web", Namespace = "ns" },
        Spec = new ServiceSpec { ClusterIP = clusterIp, Type = type, Ports = [new ServicePort { Name = "http", Port = 80, Protocol = "TCP", NodePort = type == "NodePort" ? 30080 : null }] },
    };

    private static EndpointSlice Slice(params (string Ip, bool? Ready, bool? Terminating)[] endpoints) => new()
    {
        Metadata = new ObjectMeta { Name = "web-abc", Namespace = "ns", Labels = new() { [WellKnownLabels.ServiceName] = "web" } },
        AddressType = "IPv4",
        Ports = [new EndpointSlicePort { Name = "http", Port = 3000, Protocol = "TCP" }],
        Endpoints = [.. endpoints.Select(e => new SliceEndpoint { Addresses = [e.Ip], Conditions = new EndpointConditions { Ready = e.Ready, Terminating = e.Terminating } })],
    };

    [Fact]
    public void Build_OnlyReadyEndpoints_SortedWithTargetPort()
    {
        var model = ProxyModel.Build([Service("10.43.0.10", "NodePort")], [Slice(("10.42.0.7", true, false), ("10.42.0.5", null, null), ("10.42.0.6", false, false), ("10.42.0.8", false, true))]);

        var port = Assert.Single(model.Values);
        Assert.Equal("ns/web:http/tcp", port.Key);
        Assert.Equal([new ProxyEndpoint("10.42.0.5", 3000), new ProxyEndpoint("10.42.0.7", 3000)], port.Endpoints);
        Assert.Equal(30080, port.NodePort);
    }

    [Theory]
    [InlineData("None")]
    [InlineData("")]
    [InlineData("10.43.0.1; flush ruleset")]
    public void Build_HeadlessOrNoOrBadClusterIp_NotProxied(string clusterIp) =>
        Assert.Empty(ProxyModel.Build([Service(clusterIp)], [Slice(("10.42.0.5", true, false))]));

    [Fact]
    public void Build_EndpointAddressNotCanonical_Skipped()
    {
        var model = ProxyModel.Build([Service("10.43.0.10")], [Slice(("10.42.0.5 . tcp", true, false), ("010.42.0.6", true, false))]);

        Assert.Empty(Assert.Single(model.Values).Endpoints);
    }

    [Theory]
    [InlineData("ClientIP", ProxyModel.DefaultAffinitySeconds)]
    [InlineData("None", 0)]
    [InlineData(null, 0)]
    public void Build_SessionAffinity_ClientIpWithKubernetesDefaultTimeout(string? affinity, int seconds)
    {
        var service = Service("10.43.0.10");
        service = service with { Spec = service.Spec with { SessionAffinity = affinity } };

        var port = Assert.Single(ProxyModel.Build([service], [Slice(("10.42.0.5", true, false))]).Values);

        Assert.Equal(seconds, port.AffinitySeconds);
    }

    [Fact]
    public void Build_LoadBalancer_ServedUnlessAnOlderOneHasThePort()
    {
        var older = Service("10.43.0.10", "LoadBalancer");
        older = older with { Metadata = older.Metadata with { CreationTimestamp = DateTimeOffset.UnixEpoch } };
        var younger = Service("10.43.0.11", "LoadBalancer");
        younger = younger with { Metadata = younger.Metadata with { Name = "api", CreationTimestamp = DateTimeOffset.UnixEpoch.AddDays(1) } };

        var model = ProxyModel.Build([younger, older], []);

        Assert.True(model["ns/web:http/tcp"].LoadBalancer);
        Assert.False(model["ns/api:http/tcp"].LoadBalancer);
    }

    [Fact]
    public void Build_TrafficPoliciesAndNodeName_EndpointsOnThisNodeMarkedLocal()
    {
        var service = Service("10.43.0.10", "NodePort");
        service = service with { Spec = service.Spec with { InternalTrafficPolicy = "Local", ExternalTrafficPolicy = "Local" } };
        var slice = Slice(("10.42.0.5", true, false), ("10.42.1.5", true, false));
        slice = slice with { Endpoints = [slice.Endpoints![0] with { NodeName = "edge-1" }, slice.Endpoints[1] with { NodeName = "edge-2" }] };

        var port = Assert.Single(ProxyModel.Build([service], [slice], "edge-1").Values);

        Assert.True(port.InternalLocal);
        Assert.True(port.ExternalLocal);
        Assert.Equal([new ProxyEndpoint("10.42.0.5", 3000, Local: true), new ProxyEndpoint("10.42.1.5", 3000)], port.Endpoints);
    }

    [Fact]
    public void Build_ExternalLocalOnClusterIpService_Ignored()
    {
        var service = Service("10.43.0.10");
        service = service with { Spec = service.Spec with { ExternalTrafficPolicy = "Local" } };

        Assert.False(Assert.Single(ProxyModel.Build([service], [], "edge-1").Values).ExternalLocal);
    }

    [Theory]
    [InlineData(60, 60)]
    [InlineData(0, 1)]
    [InlineData(1_000_000, 86400)]
    public void Build_AffinityTimeout_FromSessionAffinityConfigWithinTheApiRange(int configured, int expected)
    {
        var service = Service("10.43.0.10");
        service = service with { Spec = service.Spec with { SessionAffinity = "ClientIP", SessionAffinityConfig = new SessionAffinityConfig { ClientIP = new ClientIPConfig { TimeoutSeconds = configured } } } };

        Assert.Equal(expected, Assert.Single(ProxyModel.Build([service], []).Values).AffinitySeconds);
    }
}
