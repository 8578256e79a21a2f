namespace Drover.Agent.Systemd.Tests;

/// <summary>sd_notify datagrams on a real unix datagram socket, as systemd's end receives them.</summary>
public sealed class SystemdNotifierTests
{
    [Fact]
    public async Task Send_PathSocket_DatagramsArriveInOrder()
    {
        var path = Path.Combine(Path.GetTempPath(), $"drover-notify-{Guid.NewGuid():N}.sock");
        using var listener = NotifySocketListener.AtPath(path);
        using var notifier = new SystemdNotifier(listener.Name);

        Assert.True(notifier.Status("registering"));
        Assert.True(notifier.Ready("running 0 pod(s)"));
        Assert.True(notifier.Watchdog());
        Assert.True(notifier.Stopping("stopping"));

        await listener.WaitForAsync(t => t.StartsWith("STOPPING=1", StringComparison.Ordinal), "STOPPING=1", TimeSpan.FromSeconds(5), () => "");
        Assert.Equal(["STATUS=registering", "READY=1\nSTATUS=running 0 pod(s)", "WATCHDOG=1", "STOPPING=1\nSTATUS=stopping"], listener.Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task Send_AbstractSocket_Arrives()
    {
        using var listener = NotifySocketListener.Abstract($"drover-notify-{Guid.NewGuid():N}");
        using var notifier = new SystemdNotifier(listener.Name);

        Assert.True(notifier.Status("two\nlines"));

        var message = await listener.WaitForAsync(t => t.StartsWith("STATUS=", StringComparison.Ordinal), "STATUS=", TimeSpan.FromSeconds(5), () => "");
        Assert.Equal("STATUS=two lines", message.Text);
    }

    [Fact]
    public void Send_NoNotifySocket_IsNoOp()
    {
        using var notifier = new SystemdNotifier(null);

        Assert.False(notifier.Enabled);
        Assert.False(notifier.Ready("x"));
        Assert.Equal(0, notifier.Failures);
    }

    [Fact]
    public void Send_SocketGone_ReturnsFalseAndCounts()
    {
        using var notifier = new SystemdNotifier(Path.Combine(Path.GetTempPath(), $"drover-notify-missing-{Guid.NewGuid():N}.sock"));

        Assert.False(notifier.Watchdog());
        Assert.Equal(1, notifier.Failures);
    }

    [Fact]
    public void Constructor_RelativePath_ThrowsNamingIt()
    {
        var e = Assert.Throws<SystemdException>(() => new SystemdNotifier("run/notify"));
        Assert.Contains("run/notify", e.Message, StringComparison.Ordinal);
    }
}
