namespace Drover.Agent.Logs.Tests;

public sealed class ContainerLogRequestTests
{
    [Fact]
    public void Parse_PathOnly_DefaultsEverything()
    {
        var request = ContainerLogRequest.Parse("/containerLogs/default/my-pod/app");

        Assert.Equal(("default", "my-pod", "app"), (request.Namespace, request.Pod, request.Container));
        Assert.False(request.Follow);
        Assert.False(request.Timestamps);
        Assert.False(request.Previous);
        Assert.Null(request.TailLines);
    }

    [Fact]
    public void Parse_AllParameters_Read()
    {
        var request = ContainerLogRequest.Parse("/containerLogs/ns/p%2Dx/c?follow=true&tailLines=2&timestamps=1&previous=True");

        Assert.Equal("p-x", request.Pod);
        Assert.True(request.Follow);
        Assert.Equal(2, request.TailLines);
        Assert.True(request.Timestamps);
        Assert.True(request.Previous);
    }

    [Fact]
    public void Parse_SinceAndLimit_Read()
    {
        var request = ContainerLogRequest.Parse("/containerLogs/ns/p/c?sinceTime=2026-01-02T15%3A04%3A05.123456789Z&limitBytes=100");
        var seconds = ContainerLogRequest.Parse("/containerLogs/ns/p/c?sinceSeconds=60");

        Assert.Equal(new DateTimeOffset(2026, 1, 2, 15, 4, 5, TimeSpan.Zero).AddTicks(1234567), request.SinceTime);
        Assert.Equal(100, request.LimitBytes);
        Assert.Equal(60, seconds.SinceSeconds);
    }

    [Theory]
    [InlineData("/containerLogs/ns/pod/c?tailLines=abc", "tailLines: invalid value \"abc\"")]
    [InlineData("/containerLogs/ns/pod/c?tailLines=-1", "tailLines: invalid value \"-1\"")]
    [InlineData("/containerLogs/ns/pod/c?follow=yes", "follow: invalid value \"yes\"")]
    [InlineData("/containerLogs/ns/pod/c?since=5", "unknown parameter \"since\"")]
    [InlineData("/containerLogs/ns/pod/c?sinceSeconds=0", "sinceSeconds: invalid value \"0\"")]
    [InlineData("/containerLogs/ns/pod/c?limitBytes=-1", "limitBytes: invalid value \"-1\"")]
    [InlineData("/containerLogs/ns/pod/c?sinceTime=now", "sinceTime: invalid value \"now\"")]
    [InlineData("/containerLogs/ns/pod/c?sinceTime=2026-01-02T15:04:05Z&sinceSeconds=5", "at most one of sinceTime or sinceSeconds")]
    public void Parse_BadParameter_400NamingIt(string target, string expected)
    {
        var e = Assert.Throws<LogRequestException>(() => ContainerLogRequest.Parse(target));

        Assert.Equal(400, e.StatusCode);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/containerLogs/ns/pod")]
    [InlineData("/containerLogs/ns//c")]
    [InlineData("/containerLogs/ns/pod/c/extra")]
    [InlineData("/metrics")]
    public void Parse_OtherPath_404(string target)
    {
        Assert.Equal(404, Assert.Throws<LogRequestException>(() => ContainerLogRequest.Parse(target)).StatusCode);
    }
}
