using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace Drover.Cli.Streams;

/// <summary>
/// One local TCP connection forwarded over one pods/portforward WebSocket (<c>v4.channel.k8s.io</c>, as the kubelet's and
/// containerd's streaming servers speak it): channel 0 carries the data both ways, channel 1 the runtime's error text,
/// and the first message the server sends on each channel starts with the port (2 bytes, little endian), which is not data.
/// </summary>
internal sealed class PortForwardConnection(WebSocket socket, Socket client)
{
    private const byte DataChannel = 0;
    private const byte ErrorChannel = 1;

    /// <summary>The runtime's error text kept for the message (it is one line in practice).</summary>
    private const int MaxErrorBytes = 4096;

    /// <summary>Relays until either side ends; the runtime's error, if it sent one.</summary>
    public async Task<string?> RunAsync(CancellationToken ct)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var error = new MemoryStream();
        var down = DownAsync(error, session.Token);
        var up = UpAsync(session.Token);
        await Task.WhenAny(down, up).ConfigureAwait(false);
        await session.CancelAsync().ConfigureAwait(false);
        await Quietly(down).ConfigureAwait(false);
        await Quietly(up).ConfigureAwait(false);
        return error.Length == 0 ? null : Encoding.UTF8.GetString(error.ToArray());
    }

    private async Task UpAsync(CancellationToken ct)
    {
        var buffer = new byte[1 + 32 * 1024];
        buffer[0] = DataChannel;
        int read;
        while ((read = await client.ReceiveAsync(buffer.AsMemory(1), SocketFlags.None, ct).ConfigureAwait(false)) > 0)
            await socket.SendAsync(buffer.AsMemory(0, 1 + read), WebSocketMessageType.Binary, endOfMessage: true, ct).ConfigureAwait(false);
        // The local side is done; v4 cannot half-close, so the session ends here (as an HTTP client's close would).
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ct).ConfigureAwait(false);
    }

    private async Task DownAsync(MemoryStream error, CancellationToken ct)
    {
        var buffer = new byte[32 * 1024];
        var prefixLeft = new[] { 2, 2 };                   // the port, once per channel
        int? channel = null;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, ct).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                client.Shutdown(SocketShutdown.Send);
                return;
            }
            var data = buffer.AsMemory(0, result.Count);
            if (channel is null && data.Length > 0)
            {
                channel = data.Span[0];
                data = data[1..];
            }
            if (channel is DataChannel or ErrorChannel)
            {
                var skip = Math.Min(prefixLeft[channel.Value], data.Length);
                prefixLeft[channel.Value] -= skip;
                data = data[skip..];
                if (channel == DataChannel && data.Length > 0)
                    await client.SendAsync(data, SocketFlags.None, ct).ConfigureAwait(false);
                else if (channel == ErrorChannel && error.Length + data.Length <= MaxErrorBytes)
                    error.Write(data.Span);
            }
            if (result.EndOfMessage)
                channel = null;
        }
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or SocketException or IOException or ObjectDisposedException)
        {
            // One side ended; the other's failure after that is expected.
        }
    }
}
