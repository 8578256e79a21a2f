using Drover.Agent.Cri.V1;
using Drover.Agent.Pods;
using Drover.Api;

namespace Drover.Agent.ClusterDns.Tests;

public sealed class PodDnsTests
{
    private static readonly DNSConfig Host = ResolvConf.Parse("nameserver 192.0.2.53\nsearch corp.example\noptions edns0\n");

    private static Pod Pod(string? policy = null, bool hostNetwork = false) => new()
    {
        Metadata = new ObjectMeta { Name = "p", Namespace = "shop" },
        Spec = new PodSpec { DnsPolicy = policy, HostNetwork = hostNetwork ? true : null, Containers = [] },
    };

    [Fact]
    public void For_ClusterFirst_ClusterServerSearchPathAndNdots()
    {
        var config = PodDns.For(Pod(), Host, "10.42.0.1", "cluster.local");

        Assert.Equal(["10.42.0.1"], config.Servers);
        Assert.Equal(["shop.svc.cluster.local", "svc.cluster.local", "cluster.local", "corp.example"], config.Searches);
        Assert.Equal(["ndots:5"], config.Options);
    }

    [Theory]
    [InlineData("Default", false)]
    [InlineData(null, true)]
    [InlineData("ClusterFirst", true)]
    public void For_DefaultOrHostNetwork_TheHostsResolvConf(string? policy, bool hostNetwork)
    {
        var config = PodDns.For(Pod(policy, hostNetwork), Host, "10.42.0.1", "cluster.local");

        Assert.Equal(["192.0.2.53"], config.Servers);
        Assert.Equal(["corp.example"], config.Searches);
    }

    [Fact]
    public void For_ClusterFirstWithHostNet_ClusterDnsEvenOnTheHostNetwork() =>
        Assert.Equal(["10.42.0.1"], PodDns.For(Pod("ClusterFirstWithHostNet", hostNetwork: true), Host, "10.42.0.1", "cluster.local").Servers);

    [Fact]
    public void For_ClusterDnsOff_TheHostsResolvConf() =>
        Assert.Equal(["192.0.2.53"], PodDns.For(Pod(), Host, null, "cluster.local").Servers);

    [Fact]
    public void For_None_Nothing() =>
        Assert.Empty(PodDns.For(Pod("None"), Host, "10.42.0.1", "cluster.local").Servers);
}
