using System.Net.Sockets;
using System.Text;

namespace Drover.Agent.Systemd;

/// <summary>
/// sd_notify(3) spoken directly: one datagram per state change to the unix socket systemd names in
/// $NOTIFY_SOCKET (a path, or an abstract name written with a leading '@'). libsystemd is not linked — the
/// protocol is a line of text on a datagram socket — so the agent stays one static binary. Without
/// $NOTIFY_SOCKET (not started by systemd, or Type= other than notify) every call is a no-op.
/// </summary>
internal sealed class SystemdNotifier : IDisposable
{
    private readonly Socket? _socket;
    private readonly UnixDomainSocketEndPoint? _endpoint;
    private int _failures;

    /// <param name="notifySocket">$NOTIFY_SOCKET's value; null or empty turns notifications off.</param>
    public SystemdNotifier(string? notifySocket)
    {
        if (string.IsNullOrEmpty(notifySocket))
            return;
        if (notifySocket[0] is not ('/' or '@'))
            throw new SystemdException($"NOTIFY_SOCKET \"{notifySocket}\" is neither an absolute path nor an abstract socket name (@name)");
        // An abstract name is a leading NUL byte on the wire; systemd writes it as '@'.
        _endpoint = new UnixDomainSocketEndPoint(notifySocket[0] == '@' ? "\0" + notifySocket[1..] : notifySocket);
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    }

    /// <summary>From $NOTIFY_SOCKET.</summary>
    public static SystemdNotifier FromEnvironment() => new(Environment.GetEnvironmentVariable("NOTIFY_SOCKET"));

    public bool Enabled => _socket is not null;

    /// <summary>Datagrams systemd did not take (socket gone, queue full): notifications are best effort.</summary>
    public int Failures => Volatile.Read(ref _failures);

    /// <summary>READY=1 with a STATUS= line in the same datagram, so `systemctl status` never shows a stale one.</summary>
    public bool Ready(string status) => Send("READY=1\nSTATUS=" + OneLine(status));

    public bool Status(string status) => Send("STATUS=" + OneLine(status));

    public bool Watchdog() => Send("WATCHDOG=1");

    public bool Stopping(string status) => Send("STOPPING=1\nSTATUS=" + OneLine(status));

    /// <summary>Sends newline-separated assignments; false when it could not (never throws: systemd being away must not stop the agent).</summary>
    public bool Send(string state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (_socket is null)
            return false;
        // Status lines are short; the stack buffer keeps the watchdog ping (every few seconds) allocation-free.
        var max = Encoding.UTF8.GetMaxByteCount(state.Length);
        Span<byte> buffer = max <= 512 ? stackalloc byte[max] : new byte[max];
        var length = Encoding.UTF8.GetBytes(state, buffer);
        try
        {
            _socket.SendTo(buffer[..length], SocketFlags.None, _endpoint!);
            return true;
        }
        catch (SocketException)
        {
            Interlocked.Increment(ref _failures);
            return false;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>A newline would start a new assignment in the datagram.</summary>
    private static string OneLine(string text) => text.Contains('\n', StringComparison.Ordinal) ? text.Replace('\n', ' ') : text;

    public void Dispose() => _socket?.Dispose();
}
