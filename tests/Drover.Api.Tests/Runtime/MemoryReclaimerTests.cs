using Drover.Testing;

namespace Drover.Api.Runtime.Tests;

public sealed class MemoryReclaimerTests
{
    private const long MiB = 1024 * 1024;

    /// <summary>Readings the test sets by hand; a reclaim brings RSS down to <see cref="AfterReclaim"/>.</summary>
    private sealed class Readings
    {
        public ManualTimeProvider Clock { get; } = new(DateTimeOffset.UnixEpoch);
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

        public MemoryReclaimer Reclaimer() => new(Clock, Read, Reclaim);

        /// <summary>One interval later, with <paramref name="allocated"/> bytes allocated meanwhile.</summary>
        public bool Tick(MemoryReclaimer reclaimer, long allocated = 1 * MiB)
        {
            Clock.Advance(reclaimer.Interval);
            Allocated += allocated;
            return reclaimer.Check();
        }
    }

    [Fact]
    public void Check_QuietAfterABurst_ReclaimsOnce()
    {
        var process = new Readings();
        var reclaimer = process.Reclaimer();
        Assert.False(reclaimer.Check());

        // The burst: lots allocated, RSS up; nothing is done while it lasts.
        process.Rss = 2_100 * MiB;
        Assert.False(process.Tick(reclaimer, allocated: 2_000 * MiB));

        // Quiet again: one reclaim, and none after it while RSS stays where the reclaim left it.
        Assert.True(process.Tick(reclaimer));
        for (var i = 0; i < 20; i++)
            Assert.False(process.Tick(reclaimer));
        Assert.Equal(1, process.Reclaims);
        Assert.Equal(42 * MiB, process.Rss);
    }

    [Fact]
    public void Check_FirstReclaimLeavesMore_ASecondOneAfterTheGapTakesTheRest()
    {
        var process = new Readings { AfterReclaim = 100 * MiB };
        var reclaimer = process.Reclaimer();
        reclaimer.Check();
        process.Rss = 2_100 * MiB;

        Assert.True(process.Tick(reclaimer));
        // A cache let go of its entries after the first reclaim: the second, 30 s later, gives that back too.
        process.AfterReclaim = 41 * MiB;
        Assert.False(process.Tick(reclaimer));
        Assert.False(process.Tick(reclaimer));
        Assert.True(process.Tick(reclaimer));
        Assert.Equal(41 * MiB, process.Rss);
        Assert.False(process.Tick(reclaimer));
    }

    [Fact]
    public void Check_SteadyProcess_NeverCollects()
    {
        var process = new Readings();
        var reclaimer = process.Reclaimer();
        for (var i = 0; i < 100; i++)
        {
            process.Rss = (40 + (i % 3)) * MiB;
            Assert.False(process.Tick(reclaimer, allocated: 2 * MiB));
        }
        Assert.Equal(0, process.Reclaims);
    }

    [Fact]
    public void Check_LiveDataGrew_CollectsEverRarer()
    {
        var process = new Readings { AfterReclaim = 160 * MiB };
        var reclaimer = process.Reclaimer();
        reclaimer.Check();
        process.Rss = 200 * MiB;

        // 160 MB is what the data needs: after the first reclaim, each one that gives nothing back doubles the gap.
        var at = new List<int>();
        for (var tick = 1; tick <= 200; tick++)
        {
            if (process.Tick(reclaimer))
                at.Add(tick);
        }
        Assert.Equal([1, 4, 10, 22, 46, 94, 154], at);
    }

    [Fact]
    public void Check_Busy_NeverCollects()
    {
        var process = new Readings { Rss = 500 * MiB };
        var reclaimer = process.Reclaimer();
        reclaimer.Check();
        process.Rss = 900 * MiB;
        for (var i = 0; i < 20; i++)
            Assert.False(process.Tick(reclaimer, allocated: 200 * MiB));
        Assert.Equal(0, process.Reclaims);
    }

    [Fact]
    public void Check_WithinTheSlack_DoesNothing()
    {
        var process = new Readings();
        var reclaimer = process.Reclaimer();
        reclaimer.Check();
        process.Rss += 7 * MiB;

        Assert.False(process.Tick(reclaimer));
    }
}
