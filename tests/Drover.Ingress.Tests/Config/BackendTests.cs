using Drover.Ingress.Config;

namespace Drover.Ingress.Config.Tests;

public sealed class BackendTests
{
    private static Backend With(params string[] ips) =>
        new("shop", "web", "80", ips.Select(ip => new Destination(ip, 8080, new DestinationHealth())).ToList(), null);

    [Fact]
    public void Pick_SeveralDestinations_RoundRobin()
    {
        var backend = With("10.0.0.1", "10.0.0.2", "10.0.0.3");

        var picked = Enumerable.Range(0, 6).Select(_ => backend.Pick(0)!.Address).ToList();

        Assert.Equal(2, picked.Count(a => a == "10.0.0.1:8080"));
        Assert.Equal(2, picked.Count(a => a == "10.0.0.2:8080"));
        Assert.Equal(2, picked.Count(a => a == "10.0.0.3:8080"));
    }

    [Fact]
    public void Pick_FailedDestination_SkippedUntilItsTimeoutEnds()
    {
        var backend = With("10.0.0.1", "10.0.0.2");
        backend.Destinations[0].Health.MarkFailed(untilTimestamp: 100);

        Assert.All(Enumerable.Range(0, 10), _ => Assert.Equal("10.0.0.2:8080", backend.Pick(50)!.Address));
        Assert.Contains(Enumerable.Range(0, 10).Select(_ => backend.Pick(100)!.Address), a => a == "10.0.0.1:8080");
    }

    [Fact]
    public void Pick_AllFailed_StillTriesOne()
    {
        var backend = With("10.0.0.1", "10.0.0.2");
        foreach (var destination in backend.Destinations)
            destination.Health.MarkFailed(long.MaxValue);

        Assert.NotNull(backend.Pick(0));
    }

    [Fact]
    public void Pick_NoDestination_NullAndTheProblemNamesTheService()
    {
        var backend = With();

        Assert.Null(backend.Pick(0));
        Assert.Equal("service shop/web (port 80) has no ready endpoint", backend.Problem);
    }

    [Fact]
    public void Destination_IPv6_IsBracketed()
    {
        var destination = new Destination("fd00::5", 8080, new DestinationHealth());

        Assert.Equal("http://[fd00::5]:8080", destination.Prefix);
    }
}
