using Drover.Agent.Pods;

namespace Drover.Agent.Pods.Tests;

public sealed class ResolvConfTests
{
    [Fact]
    public void Parse_ServersSearchOptions_LoopbackDropped()
    {
        var dns = ResolvConf.Parse("# generated\nnameserver 127.0.0.53\nnameserver 10.0.0.2\nnameserver ::1\nsearch a.example b.example\noptions ndots:2 edns0\n");

        Assert.Equal(["10.0.0.2"], dns.Servers);
        Assert.Equal(["a.example", "b.example"], dns.Searches);
        Assert.Equal(["ndots:2", "edns0"], dns.Options);
    }

    [Fact]
    public void Parse_LastSearchOrDomainWins()
    {
        var dns = ResolvConf.Parse("domain one.example\nsearch two.example\n");

        Assert.Equal(["two.example"], dns.Searches);
    }

    [Fact]
    public void Load_MissingFile_EmptyConfig() =>
        Assert.Empty(ResolvConf.Load("/nonexistent/resolv.conf").Servers);
}
