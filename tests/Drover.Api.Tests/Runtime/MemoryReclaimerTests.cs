namespace Drover.Api.Runtime.Tests;

public sealed class MemoryReclaimerTests
{
    private const long MiB = 1024 * 1024;

    /// <summary>Readings the test sets by hand; a reclaim brings RSS down to <see cref="AfterReclaim"/>.</summary>
    private sealed class Readings
    {
        public long Rss { get; set; } = 40 * MiB;
        public long Allocated { get; set; }
        public long AfterReclaim { get; set; } = 42 * MiB;
        public int Reclaims { get; private set; }

        public MemoryReading Read() => new(Rss, Allocated);

        public void Reclaim()
        {
            Reclaims++;
            Rss = AfterReclaim;
        }

        public MemoryReclaimer Reclaimer() => new(TimeProvider.System, Read, Reclaim);
    }

    [Fact]
    public void Check_QuietAfterABurst_ReclaimsOnce()
    {
        var process = new Readings();
        var reclaimer = process.Reclaimer();
        Assert.False(reclaimer.Check());

        // The burst: lots allocated, RSS up; nothing is done while it lasts.
        process.Allocated += 2_000 * MiB;
        process.Rss = 2_100 * MiB;
        Assert.False(reclaimer.Check());

        // Quiet again: one reclaim, and none after it while RSS stays where the reclaim left it.
        process.Allocated += 1 * MiB;
        Assert.True(reclaimer.Check());
        process.Allocated += 1 * MiB;
        Assert.False(reclaimer.Check());
        Assert.Equal(1, process.Reclaims);
        Assert.Equal(42 * MiB, process.Rss);
    }

    [Fact]
    public void Check_SteadyProcess_NeverCollects()
    {
        var process = new Readings();
        var reclaimer = process.Reclaimer();
        for (var i = 0; i < 100; i++)
        {
            process.Allocated += 2 * MiB;
            process.Rss = (40 + (i % 3)) * MiB;
            Assert.False(reclaimer.Check());
        }
        Assert.Equal(0, process.Reclaims);
    }

    [Fact]
    public void Check_LiveDataGrew_ReclaimsOnceThenTakesTheNewLevel()
    {
        var process = new Readings { AfterReclaim = 160 * MiB };
        var reclaimer = process.Reclaimer();
        reclaimer.Check();
        process.Rss = 200 * MiB;

        Assert.True(reclaimer.Check());
        // 160 MB is what the data needs: no collection every interval from now on.
        for (var i = 0; i < 10; i++)
            Assert.False(reclaimer.Check());
        Assert.Equal(1, process.Reclaims);
    }

    [Fact]
    public void Check_WithinTheSlack_DoesNothing()
    {
        var process = new Readings();
        var reclaimer = process.Reclaimer();
        reclaimer.Check();
        process.Rss += 7 * MiB;

        Assert.False(reclaimer.Check());
    }
}
