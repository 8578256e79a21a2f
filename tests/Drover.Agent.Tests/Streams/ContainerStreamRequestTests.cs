using Drover.Agent.Logs;

namespace Drover.Agent.Streams.Tests;

public sealed class ContainerStreamRequestTests
{
    [Fact]
    public void Parse_PortForwardWithPorts_KeepsThemForTheCriRequest()
    {
        var request = ContainerStreamRequest.Parse("/portforward/default/web?port=3000&port=8080");

        Assert.Equal(StreamKind.PortForward, request.Kind);
        Assert.Equal([3000, 8080], request.Ports);
    }

    [Fact]
    public void Parse_PortForwardWithoutPorts_NoneAsKubectlsSpdySendsIt()
    {
        Assert.Empty(ContainerStreamRequest.Parse("/portforward/default/web").Ports);
    }

    [Theory]
    [InlineData("/portforward/default/web?port=0", "port")]
    [InlineData("/portforward/default/web?port=65536", "port")]
    [InlineData("/portforward/default/web?port=http", "port")]
    [InlineData("/exec/default/web/app?command=true&stdout=true&port=80", "unknown parameter \"port\"")]
    public void Parse_BadPort_400NamingIt(string target, string named)
    {
        var e = Assert.Throws<LogRequestException>(() => ContainerStreamRequest.Parse(target));

        Assert.Equal(400, e.StatusCode);
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MorePortsThanTheLimit_400()
    {
        var target = "/portforward/default/web?" + string.Join('&', Enumerable.Range(1, ContainerStreamRequest.MaxPorts + 1).Select(p => $"port={p}"));

        var e = Assert.Throws<LogRequestException>(() => ContainerStreamRequest.Parse(target));

        Assert.Contains($"more than {ContainerStreamRequest.MaxPorts} ports", e.Message, StringComparison.Ordinal);
    }
}
