using System.Net;
using Drover.Api.PodNetwork;

namespace Drover.Agent.Network.Tests;

public sealed class ForwardingPlanTests
{
    private static readonly PodNetworkPeer Node2 = new("node-2", Ipv4Cidr.Parse("10.42.2.0/24"), IPAddress.Parse("198.51.100.12"), "0a:00:00:00:00:02");
    private static readonly PodNetworkPeer Node3 = new("node-3", Ipv4Cidr.Parse("10.42.3.0/24"), IPAddress.Parse("198.51.100.13"), "0a:00:00:00:00:03");
    private static readonly string Ours = PodNetworkNames.RouteProtocol.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Desired_HostGw_RouteViaEachPeersInternalIp()
    {
        var desired = ForwardingPlan.Desired(PodNetworkBackend.HostGw, [Node2, Node3]);

        Assert.Equal([new PeerRoute(Node2.PodCidr, Node2.InternalIp, null, false), new PeerRoute(Node3.PodCidr, Node3.InternalIp, null, false)], desired.Routes);
        Assert.Empty(desired.Neighbours);
        Assert.Empty(desired.Fdb);
    }

    [Fact]
    public void Desired_Vxlan_OnLinkRouteNeighbourAndFdbPerPeer()
    {
        var desired = ForwardingPlan.Desired(PodNetworkBackend.Vxlan, [Node2]);

        var vtep = IPAddress.Parse("10.42.2.0");
        Assert.Equal(new PeerRoute(Node2.PodCidr, vtep, PodNetworkNames.VxlanDevice, true), Assert.Single(desired.Routes));
        Assert.Equal(new VxlanNeighbour(vtep, Node2.VtepMac!), Assert.Single(desired.Neighbours));
        Assert.Equal(new VxlanFdbEntry(Node2.VtepMac!, Node2.InternalIp), Assert.Single(desired.Fdb));
    }

    [Fact]
    public void Changes_NewPeerOnEmptyKernel_AddsRoute()
    {
        var changes = ForwardingPlan.Changes(ForwardingPlan.Desired(PodNetworkBackend.HostGw, [Node2]), [], [], []);

        Assert.Equal($"route add 10.42.2.0/24 via 198.51.100.12 proto {Ours}", Assert.Single(changes.IpCommands).Line);
        Assert.Empty(changes.FdbAdds);
        Assert.Empty(changes.Conflicts);
    }

    [Fact]
    public void Changes_KernelAlreadyAsDesired_Nothing()
    {
        HostRoute[] kernel = [new("10.42.2.0/24", "198.51.100.12", "eth0", false, Ours), new("default", "198.51.100.1", "eth0", false, "boot")];

        var changes = ForwardingPlan.Changes(ForwardingPlan.Desired(PodNetworkBackend.HostGw, [Node2]), kernel, [], []);

        Assert.True(changes.IsEmpty);
    }

    [Fact]
    public void Changes_PeerGone_DeletesOnlyOurRoute()
    {
        HostRoute[] kernel = [new("10.42.3.0/24", "198.51.100.13", "eth0", false, Ours), new("192.0.2.0/24", "198.51.100.1", "eth0", false, "static")];

        var changes = ForwardingPlan.Changes(ForwardingPlan.Desired(PodNetworkBackend.HostGw, []), kernel, [], []);

        Assert.Equal($"route del 10.42.3.0/24 proto {Ours}", Assert.Single(changes.IpCommands).Line);
    }

    [Fact]
    public void Changes_PeerMoved_ReplacesRoute()
    {
        HostRoute[] kernel = [new("10.42.2.0/24", "198.51.100.99", "eth0", false, Ours)];

        var changes = ForwardingPlan.Changes(ForwardingPlan.Desired(PodNetworkBackend.HostGw, [Node2]), kernel, [], []);

        Assert.StartsWith("route replace 10.42.2.0/24 via 198.51.100.12", Assert.Single(changes.IpCommands).Line);
    }

    [Fact]
    public void Changes_ForeignRouteHoldsDestination_ConflictNotOverwritten()
    {
        HostRoute[] kernel = [new("10.42.2.0/24", null, "drover30", false, "kernel")];

        var changes = ForwardingPlan.Changes(ForwardingPlan.Desired(PodNetworkBackend.HostGw, [Node2]), kernel, [], []);

        Assert.True(changes.IsEmpty);
        Assert.Equal("10.42.2.0/24", Assert.Single(changes.Conflicts));
    }

    [Fact]
    public void Changes_VxlanPeerGone_NeighbourAndFdbRemovedAfterRoute()
    {
        var vtep = IPAddress.Parse("10.42.3.0");
        HostRoute[] kernel = [new("10.42.3.0/24", "10.42.3.0", PodNetworkNames.VxlanDevice, true, Ours)];

        var changes = ForwardingPlan.Changes(ForwardingPlan.Desired(PodNetworkBackend.Vxlan, [Node2]), kernel,
            [new VxlanNeighbour(vtep, Node3.VtepMac!)], [new VxlanFdbEntry(Node3.VtepMac!, Node3.InternalIp)]);

        Assert.Contains(changes.IpCommands, c => c.Line == $"route del 10.42.3.0/24 proto {Ours}");
        Assert.Contains(changes.IpCommands, c => c.Line == $"neigh del 10.42.3.0 dev {PodNetworkNames.VxlanDevice}");
        Assert.Contains(changes.IpCommands, c => c.Line.StartsWith("route add 10.42.2.0/24 via 10.42.2.0 dev " + PodNetworkNames.VxlanDevice + " onlink", StringComparison.Ordinal));
        Assert.Equal($"fdb replace {Node2.VtepMac} dev {PodNetworkNames.VxlanDevice} dst 198.51.100.12 self permanent", Assert.Single(changes.FdbAdds).Line);
        Assert.Equal($"fdb del {Node3.VtepMac} dev {PodNetworkNames.VxlanDevice} dst 198.51.100.13 self", Assert.Single(changes.FdbDeletes).Line);
    }
}
