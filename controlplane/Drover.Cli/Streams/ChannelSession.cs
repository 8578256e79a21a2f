using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Drover.Api;

namespace Drover.Cli.Streams;

/// <summary>
/// One exec or attach session over Kubernetes' WebSocket channel protocol <c>v4.channel.k8s.io</c> (the one the node's
/// runtime, containerd's streaming server, speaks): every binary message starts with its channel (0 stdin, 1 stdout,
/// 2 stderr, 3 the final Status as JSON, 4 terminal size), the rest is that channel's bytes. The exit code comes from the
/// Status, as kubectl reads it: Success is 0, NonZeroExitCode carries the code in its ExitCode cause.
/// </summary>
internal sealed class ChannelSession(WebSocket socket, TextWriter stdout, TextWriter stderr)
{
    public const string Protocol = "v4.channel.k8s.io";

    private const byte StdinChannel = 0;
    private const byte StdoutChannel = 1;
    private const byte StderrChannel = 2;
    private const byte ErrorChannel = 3;

    /// <summary>A Status larger than this is not one the runtime wrote.</summary>
    private const int MaxStatusBytes = 64 * 1024;

    private readonly Decoder _stdoutDecoder = Encoding.UTF8.GetDecoder();
    private readonly Decoder _stderrDecoder = Encoding.UTF8.GetDecoder();
    private readonly MemoryStream _status = new();

    /// <summary>Relays until the server closes the session; the remote command's exit code, or a CliException for a failure.</summary>
    public async Task<int> RunAsync(TextReader? stdin, CancellationToken ct)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var input = stdin is null ? Task.CompletedTask : PumpStdinAsync(stdin, session.Token);
        try
        {
            await ReceiveAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            await session.CancelAsync().ConfigureAwait(false);
            try
            {
                await input.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            catch (WebSocketException)
            {
            }
        }
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
                if (_status.Length + data.Length > MaxStatusBytes)
                    throw new CliException($"error: the session's status is larger than {MaxStatusBytes} bytes");
                _status.Write(data.Span);
                break;
        }
    }

    private static async Task WriteTextAsync(TextWriter writer, Decoder decoder, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        // A character's bytes may be split between messages: the decoder keeps an unfinished one for the next.
        var chars = new char[Encoding.UTF8.GetMaxCharCount(data.Length)];
        var count = decoder.GetChars(data.Span, chars, flush: false);
        await writer.WriteAsync(chars.AsMemory(0, count), ct).ConfigureAwait(false);
        await writer.FlushAsync(ct).ConfigureAwait(false);
    }

    private async Task PumpStdinAsync(TextReader stdin, CancellationToken ct)
    {
        var chars = new char[8 * 1024];
        var bytes = new byte[1 + Encoding.UTF8.GetMaxByteCount(chars.Length)];
        bytes[0] = StdinChannel;
        int read;
        while ((read = await stdin.ReadAsync(chars, ct).ConfigureAwait(false)) > 0)
        {
            var count = Encoding.UTF8.GetBytes(chars.AsSpan(0, read), bytes.AsSpan(1));
            await socket.SendAsync(bytes.AsMemory(0, 1 + count), WebSocketMessageType.Binary, endOfMessage: true, ct).ConfigureAwait(false);
        }
        // v4 has no way to close stdin alone (v5.channel.k8s.io adds it; containerd 1.6 does not speak v5): the command
        // sees no end of input and runs until it exits or the session is interrupted.
    }

    private int ExitCode()
    {
        if (_status.Length == 0)
            return 0;                                      // closed without a Status: as kubectl, nothing to report
        Status? status;
        try
        {
            status = JsonSerializer.Deserialize(_status.ToArray(), ApiJsonContext.Default.Status);
        }
        catch (JsonException)
        {
            throw new CliException("error: " + Encoding.UTF8.GetString(_status.ToArray()));
        }
        if (status is null || status.Outcome == "Success")
            return 0;
        if (status.Reason == "NonZeroExitCode"
            && status.Details?.Causes?.FirstOrDefault(c => c.Reason == "ExitCode")?.Message is { } text
            && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code))
        {
            return code;
        }
        throw new CliException("error: " + (status.Message ?? status.Reason ?? "the command failed"));
    }
}
