using Drover.Testing;

namespace Drover.Agent.Systemd.Tests;

public sealed class SystemdWatchdogTests
{
    [Theory]
    [InlineData(null, null, null)]
    [InlineData("", null, null)]
    [InlineData("30000000", null, 30.0)]
    [InlineData("2000000", "4242", 2.0)]
    [InlineData("2000000", "1", null)]
    public void TimeoutFromEnvironment_Values_AsSystemdMeansThem(string? usec, string? pid, double? seconds)
    {
        var timeout = SystemdWatchdog.TimeoutFromEnvironment(usec, pid, ownPid: 4242);

        Assert.Equal(seconds is { } s ? TimeSpan.FromSeconds(s) : null, timeout);
    }

    [Theory]
    [InlineData("0", null)]
    [InlineData("abc", null)]
    [InlineData("-5", null)]
    [InlineData("1000", "pid")]
    public void TimeoutFromEnvironment_BadValue_Throws(string usec, string? pid)
    {
        Assert.Throws<SystemdException>(() => SystemdWatchdog.TimeoutFromEnvironment(usec, pid, ownPid: 1));
    }

    [Fact]
    public async Task Kick_EveryTurn_PingsAtHalfTheTimeout()
    {
        var path = Path.Combine(Path.GetTempPath(), $"drover-watchdog-{Guid.NewGuid():N}.sock");
        using var listener = NotifySocketListener.AtPath(path);
        using var notifier = new SystemdNotifier(listener.Name);
        var time = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        var watchdog = new SystemdWatchdog(notifier, TimeSpan.FromSeconds(10), time);

        // 25 turns of one second: pings at 0, 5, 10, 15 and 20 s.
        for (var turn = 0; turn < 25; turn++)
        {
            watchdog.Kick();
            time.Advance(TimeSpan.FromSeconds(1));
        }

        // Datagrams are received on the thread pool: wait for them (a loaded machine is slow), then check none more came.
        for (var deadline = DateTime.UtcNow.AddSeconds(10); DateTime.UtcNow < deadline && listener.Messages.Count < 5;)
            await Task.Delay(50);
        await Task.Delay(300);
        Assert.Equal(5, listener.Messages.Count(m => m.Text == "WATCHDOG=1"));
    }

    [Fact]
    public void Kick_NoNotifySocket_NoWatchdog()
    {
        using var notifier = new SystemdNotifier(null);

        Assert.Null(new SystemdWatchdog(notifier, TimeSpan.FromSeconds(10), TimeProvider.System).Timeout);
    }
}
