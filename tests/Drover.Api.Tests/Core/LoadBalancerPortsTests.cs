namespace Drover.Api.Tests;

public sealed class LoadBalancerPortsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    private static Service Lb(string name, int minutes, int port, string type = "LoadBalancer", int? nodePort = null, string protocol = "TCP") => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "default", CreationTimestamp = T0.AddMinutes(minutes) },
        Spec = new ServiceSpec { Type = type, Ports = [new ServicePort { Port = port, Protocol = protocol, NodePort = nodePort }] },
    };

    [Fact]
    public void Served_TwoAskForOnePort_TheOlderHasItTheYoungerIsPending()
    {
        var served = LoadBalancerPorts.Served([Lb("young", 5, 80), Lb("old", 1, 80), Lb("other", 9, 8080)]);

        Assert.Equal(["default/old", "default/other"], served.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Served_SamePortOtherProtocol_BothServed() =>
        Assert.Equal(2, LoadBalancerPorts.Served([Lb("dns-udp", 1, 53, protocol: "UDP"), Lb("dns-tcp", 2, 53)]).Count);

    [Fact]
    public void Served_PortIsAnotherServicesNodePort_Pending() =>
        Assert.Empty(LoadBalancerPorts.Served([Lb("np", 9, 80, type: "NodePort", nodePort: 30080), Lb("lb", 1, 30080)]));

    [Fact]
    public void Served_NotALoadBalancer_NeverServed() =>
        Assert.Empty(LoadBalancerPorts.Served([Lb("plain", 1, 80, type: "ClusterIP"), Lb("np", 1, 81, type: "NodePort", nodePort: 30081)]));
}
