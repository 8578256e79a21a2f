namespace Drover.Api.PodNetwork.Tests;

public sealed class PodNetworkPeersTests
{
    private static readonly PodNetworkSettings Vxlan = new() { Backend = PodNetworkBackend.Vxlan, ClusterCidr = Ipv4Cidr.Parse("10.42.0.0/16") };
    private static readonly DateTimeOffset T0 = new(2026, 12, 5, 7, 0, 0, TimeSpan.Zero);

    private static Node Node(string name, int minute, string? podCidr, string? internalIp, string? mac, string backend = "vxlan") => new()
    {
        ApiVersion = "v1",
        Kind = "Node",
        Metadata = new ObjectMeta
        {
            Name = name,
            CreationTimestamp = T0.AddMinutes(minute),
            Annotations = new Dictionary<string, string>
            {
                [PodNetworkAnnotations.Backend] = backend,
                [PodNetworkAnnotations.VtepMac] = mac ?? "",
            }.Where(a => a.Value.Length > 0).ToDictionary(),
        },
        Spec = new NodeSpec { PodCIDR = podCidr },
        Status = new NodeStatus { Addresses = internalIp is null ? [] : [new NodeAddress { Type = "InternalIP", Address = internalIp }] },
    };

    [Fact]
    public void Evaluate_ThreeGoodNodes_AllPeers()
    {
        var view = PodNetworkPeers.Evaluate([
            Node("node-1", 0, "10.42.1.0/24", "198.51.100.11", "0a:00:00:00:00:01"),
            Node("node-2", 1, "10.42.2.0/24", "198.51.100.12", "0a:00:00:00:00:02"),
            Node("node-3", 2, "10.42.3.0/24", "198.51.100.13", "0a:00:00:00:00:03"),
        ], Vxlan);

        Assert.Equal(["node-1", "node-2", "node-3"], view.Peers.Select(p => p.NodeName));
        Assert.Empty(view.Problems);
    }

    [Fact]
    public void Evaluate_OverlappingPodCidr_NewcomerLeftOutFirstKept()
    {
        var view = PodNetworkPeers.Evaluate([
            Node("late", 5, "10.42.1.0/25", "198.51.100.12", "0a:00:00:00:00:02"),
            Node("early", 0, "10.42.1.0/24", "198.51.100.11", "0a:00:00:00:00:01"),
        ], Vxlan);

        Assert.Equal("early", Assert.Single(view.Peers).NodeName);
        var problem = Assert.Single(view.Problems);
        Assert.Equal(("late", PodNetworkPeers.PodCidrOverlap), (problem.NodeName, problem.Reason));
    }

    [Fact]
    public void Evaluate_NoInternalIp_Problem()
    {
        var view = PodNetworkPeers.Evaluate([Node("node-1", 0, "10.42.1.0/24", null, "0a:00:00:00:00:01")], Vxlan);

        Assert.Empty(view.Peers);
        Assert.Equal(PodNetworkPeers.NoInternalIp, Assert.Single(view.Problems).Reason);
    }

    [Fact]
    public void Evaluate_ClashingVtepMac_SecondLeftOut()
    {
        var view = PodNetworkPeers.Evaluate([
            Node("node-1", 0, "10.42.1.0/24", "198.51.100.11", "0a:00:00:00:00:01"),
            Node("node-2", 1, "10.42.2.0/24", "198.51.100.12", "0A:00:00:00:00:01"),
        ], Vxlan);

        Assert.Equal("node-1", Assert.Single(view.Peers).NodeName);
        Assert.Equal(PodNetworkPeers.VtepMacClash, Assert.Single(view.Problems).Reason);
    }

    [Fact]
    public void Evaluate_PodCidrOutsideClusterAndOtherBackend_Problems()
    {
        var view = PodNetworkPeers.Evaluate([
            Node("outside", 0, "10.99.1.0/24", "198.51.100.11", "0a:00:00:00:00:01"),
            Node("hostgw", 1, "10.42.2.0/24", "198.51.100.12", null, backend: "host-gw"),
        ], Vxlan);

        Assert.Empty(view.Peers);
        Assert.Equal([PodNetworkPeers.PodCidrOutsideClusterCidr, PodNetworkPeers.BackendMismatch], view.Problems.Select(p => p.Reason));
    }

    [Fact]
    public void Evaluate_NoPodCidrYet_PendingNotProblem()
    {
        var view = PodNetworkPeers.Evaluate([Node("new", 0, null, "198.51.100.11", null)], Vxlan);

        Assert.Empty(view.Problems);
        Assert.True(view.Pending.ContainsKey("new"));
    }

    [Theory]
    [InlineData("0a:58:0a:2a:00:01", "0a:58:0a:2a:00:01")]
    [InlineData("0A:58:0A:2A:00:01", "0a:58:0a:2a:00:01")]
    [InlineData("01:00:5e:00:00:01", null)]
    [InlineData("00:00:00:00:00:00", null)]
    [InlineData("0a-58-0a-2a-00-01", null)]
    [InlineData("zz:58:0a:2a:00:01", null)]
    public void NormalizeMac_Input_UnicastLowerCaseOrNull(string text, string? expected) =>
        Assert.Equal(expected, PodNetworkPeers.NormalizeMac(text));
}
