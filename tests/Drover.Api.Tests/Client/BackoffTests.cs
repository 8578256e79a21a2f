namespace Drover.Api.Client.Tests;

public sealed class BackoffTests
{
    [Fact]
    public void Next_NoJitter_DoublesUpToMax()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), jitter: 0);

        var delays = Enumerable.Range(0, 5).Select(_ => backoff.Next().TotalSeconds).ToList();

        Assert.Equal([1, 2, 4, 5, 5], delays);
    }

    [Fact]
    public void Next_Jitter_ShortensByAtMostTheFraction()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), jitter: 0.2, random: new Random(7));

        var delays = Enumerable.Range(0, 200).Select(_ => backoff.Next()).ToList();

        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(10)));
        // Spread, not lockstep: a thousand clients that failed together do not retry together.
        Assert.True(delays.Distinct().Count() > 100);
    }

    [Fact]
    public void Reset_AfterGrowth_StartsOver()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), jitter: 0);
        backoff.Next();
        backoff.Next();

        backoff.Reset();

        Assert.Equal(TimeSpan.FromMilliseconds(200), backoff.Next());
    }

    [Theory]
    [InlineData(0, 1, 2, 0.2)]
    [InlineData(2, 1, 2, 0.2)]
    [InlineData(1, 2, 0.5, 0.2)]
    [InlineData(1, 2, 2, 1)]
    public void Constructor_OutOfRange_Throws(double initialSeconds, double maxSeconds, double factor, double jitter) =>
        Assert.ThrowsAny<ArgumentException>(() => new Backoff(TimeSpan.FromSeconds(initialSeconds), TimeSpan.FromSeconds(maxSeconds), factor, jitter));
}
