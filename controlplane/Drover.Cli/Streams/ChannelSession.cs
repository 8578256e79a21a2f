using System.Net.WebSockets;
using System.Text;

namespace Drover.Cli.Streams;

/// <summary>
/// One exec or attach session over Kubernetes' WebSocket channel protocol <c>v4.channel.k8s.io</c> (the one the node's
/// runtime, containerd's streaming server, speaks): every binary message starts with its channel (0 stdin, 1 stdout,
/// 2 stderr, 3 the final Status as JSON, 4 terminal size), the rest is that channel's bytes. The exit code comes from the
/// Status, as kubectl reads it: Success is 0, NonZeroExitCode carries the code in its ExitCode cause. Exec without
/// stdin only: v4 cannot close stdin alone, so exec -i is a <see cref="SpdyExecSession"/>.
/// </summary>
internal sealed class ChannelSession(WebSocket socket, TextWriter stdout, TextWriter stderr)
{
    public const string Protocol = "v4.channel.k8s.io";

    private const byte StdoutChannel = 1;
    private const byte StderrChannel = 2;
    private const byte ErrorChannel = 3;

    private readonly Decoder _stdoutDecoder = Encoding.UTF8.GetDecoder();
    private readonly Decoder _stderrDecoder = Encoding.UTF8.GetDecoder();
    private readonly MemoryStream _status = new();

    /// <summary>Relays until the server closes the session; the remote command's exit code, or a CliException for a failure.</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        await ReceiveAsync(ct).ConfigureAwait(false);
        return ExitCode();
    }

    private async Task ReceiveAsync(CancellationToken ct)
    {
        var buffer = new byte[32 * 1024];
        int? channel = null;
        while (true)
        {
            WebSocketReceiveResult result;
            try
            {
                result = await socket.ReceiveAsync(buffer, ct).ConfigureAwait(false);
            }
            catch (WebSocketException) when (socket.State is WebSocketState.Closed or WebSocketState.Aborted or WebSocketState.CloseReceived)
            {
                return;                                    // the runtime closed the connection without a close frame
            }
            if (result.MessageType == WebSocketMessageType.Close)
            {
                if (socket.State == WebSocketState.CloseReceived)
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ct).ConfigureAwait(false);
                return;
            }
            var data = buffer.AsMemory(0, result.Count);
            if (channel is null && data.Length > 0)
            {
                channel = data.Span[0];
                data = data[1..];
            }
            if (channel is { } c && data.Length > 0)
                await WriteAsync(c, data, ct).ConfigureAwait(false);
            if (result.EndOfMessage)
                channel = null;
        }
    }

    private async Task WriteAsync(int channel, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        switch (channel)
        {
            case StdoutChannel:
                await WriteTextAsync(stdout, _stdoutDecoder, data, ct).ConfigureAwait(false);
                break;
            case StderrChannel:
                await WriteTextAsync(stderr, _stderrDecoder, data, ct).ConfigureAwait(false);
                break;
            case ErrorChannel:
                if (_status.Length + data.Length > RemoteCommandStatus.MaxBytes)
                    throw new CliException($"error: the session's status is larger than {RemoteCommandStatus.MaxBytes} bytes");
                _status.Write(data.Span);
                break;
        }
    }

    /// <summary>Bytes of a stdout or stderr stream as text on <paramref name="writer"/>, flushed (a prompt shows at once).</summary>
    internal static async Task WriteTextAsync(TextWriter writer, Decoder decoder, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        // A character's bytes may be split between messages: the decoder keeps an unfinished one for the next.
        var chars = new char[Encoding.UTF8.GetMaxCharCount(data.Length)];
        var count = decoder.GetChars(data.Span, chars, flush: false);
        await writer.WriteAsync(chars.AsMemory(0, count), ct).ConfigureAwait(false);
        await writer.FlushAsync(ct).ConfigureAwait(false);
    }

    private int ExitCode() => RemoteCommandStatus.ExitCode(_status.ToArray());
}
