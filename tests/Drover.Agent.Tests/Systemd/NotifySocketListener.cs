using System.Net.Sockets;
using System.Text;

namespace Drover.Agent.Systemd.Tests;

/// <summary>
/// What systemd's end of $NOTIFY_SOCKET sees: a real unix datagram socket (a path, or an abstract name)
/// whose datagrams are kept in arrival order with the time they came.
/// </summary>
internal sealed class NotifySocketListener : IDisposable
{
    private readonly Socket _socket;
    private readonly List<(DateTimeOffset At, string Text)> _messages = [];
    private readonly Task _receive;
    private readonly string? _path;

    private NotifySocketListener(Socket socket, string name, string? path)
    {
        _socket = socket;
        Name = name;
        _path = path;
        _receive = Task.Run(ReceiveAsync);
    }

    /// <summary>The value for NOTIFY_SOCKET.</summary>
    public string Name { get; }

    public static NotifySocketListener AtPath(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        return new NotifySocketListener(socket, path, path);
    }

    public static NotifySocketListener Abstract(string name)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint("\0" + name));
        return new NotifySocketListener(socket, "@" + name, null);
    }

    public IReadOnlyList<(DateTimeOffset At, string Text)> Messages
    {
        get
        {
            lock (_messages)
                return [.. _messages];
        }
    }

    public string Transcript => string.Join("\n---\n", Messages.Select(m => $"{m.At:HH:mm:ss.fff} {m.Text}"));

    public async Task<(DateTimeOffset At, string Text)> WaitForAsync(Func<string, bool> match, string what, TimeSpan timeout, Func<string> log)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Messages.FirstOrDefault(m => match(m.Text)) is { Text: not null } found)
                return found;
            await Task.Delay(50);
        }
        throw new TimeoutException($"no {what} on the notify socket within {timeout}; got:\n{Transcript}\nagent log:\n{log()}");
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[4096];
        while (true)
        {
            int length;
            try
            {
                length = await _socket.ReceiveAsync(buffer, SocketFlags.None);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
            lock (_messages)
                _messages.Add((DateTimeOffset.UtcNow, Encoding.UTF8.GetString(buffer, 0, length)));
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        _receive.Wait(TimeSpan.FromSeconds(5));
        if (_path is not null)
            File.Delete(_path);
    }
}
