using Drover.Ingress.Routing;

namespace Drover.Ingress.Routing.Tests;

public sealed class HostMatchingTests
{
    private static RouteTable<string> Table() => new RouteTableBuilder<string>()
        .Add("foo.example.com", "/", PathMatchKind.Prefix, "exact", 0)
        .Add("*.example.com", "/", PathMatchKind.Prefix, "wildcard", 1)
        .Add(null, "/", PathMatchKind.Prefix, "any-host", 2)
        .Build();

    [Theory]
    [InlineData("foo.example.com", "exact")]
    [InlineData("FOO.Example.COM", "exact")]
    [InlineData("foo.example.com:8080", "exact")]
    [InlineData("foo.example.com.", "exact")]
    [InlineData("bar.example.com", "wildcard")]
    [InlineData("bar.example.com:443", "wildcard")]
    [InlineData("example.com", "any-host")]
    [InlineData("a.b.example.com", "any-host")]
    [InlineData(".example.com", "any-host")]
    [InlineData("other.org", "any-host")]
    [InlineData("127.0.0.1:80", "any-host")]
    [InlineData("[::1]:80", "any-host")]
    [InlineData("", "any-host")]
    public void Match_Host_ExactBeforeOneLabelWildcardBeforeAnyHost(string host, string expected)
    {
        Assert.Equal(expected, Table().Match(host, "/x").Target);
    }

    [Fact]
    public void Match_WildcardOnly_DoesNotMatchTheBareDomainNorTwoLabels()
    {
        var table = new RouteTableBuilder<string>().Add("*.example.com", "/", PathMatchKind.Prefix, "w", 0).Build();

        Assert.Equal("w", table.Match("foo.example.com", "/").Target);
        Assert.False(table.Match("example.com", "/").Found);
        Assert.False(table.Match("a.b.example.com", "/").Found);
    }

    [Fact]
    public void Match_HostMatchedButNoPath_DoesNotFallThroughToLessSpecificHost()
    {
        var table = new RouteTableBuilder<string>()
            .Add("foo.example.com", "/api", PathMatchKind.Prefix, "api", 0)
            .Add("*.example.com", "/", PathMatchKind.Prefix, "wildcard", 1)
            .Build();

        Assert.False(table.Match("foo.example.com", "/web").Found);
    }

    [Fact]
    public void Match_HostMatchedButNoPath_UsesThatHostsDefaultBackendBeforeTheGlobalOne()
    {
        var table = new RouteTableBuilder<string>()
            .Add("foo.example.com", "/api", PathMatchKind.Prefix, "api", 0)
            .AddHostFallback("foo.example.com", "foo-default", 0)
            .AddDefault("foo-default", 0)
            .AddDefault("other-default", 3)
            .Add("bar.example.com", "/api", PathMatchKind.Prefix, "bar-api", 3)
            .Build();

        var fooMiss = table.Match("foo.example.com", "/web");
        Assert.Equal("foo-default", fooMiss.Target);
        Assert.Null(fooMiss.Rule);
        Assert.Equal("foo-default", table.Match("nobody.example.org", "/").Target);
    }

    [Fact]
    public void Match_NoRuleAndNoDefaultBackend_IsNotFound()
    {
        var table = new RouteTableBuilder<string>().Add("foo.example.com", "/", PathMatchKind.Prefix, "x", 0).Build();

        Assert.False(table.Match("bar.example.com", "/").Found);
        Assert.False(RouteTable<string>.Empty.Match("foo.example.com", "/").Found);
    }

    [Theory]
    [InlineData("example.com:80", "example.com")]
    [InlineData("example.com", "example.com")]
    [InlineData("[::1]:8080", "[::1]")]
    [InlineData("[::1]", "[::1]")]
    [InlineData("example.com.", "example.com")]
    [InlineData("", "")]
    public void WithoutPort_HostHeader_StripsThePort(string header, string expected)
    {
        Assert.Equal(expected, HostName.WithoutPort(header).ToString());
    }
}
