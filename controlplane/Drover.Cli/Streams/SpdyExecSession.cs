using System.Text;
using Drover.Api.Spdy;

namespace Drover.Cli.Streams;

/// <summary>
/// One exec session with stdin over SPDY/3.1, as kubectl's fallback speaks it (k8s.io/client-go remotecommand on
/// moby/spdystream): after the HTTP upgrade the client opens one stream per channel — error first, then stdin, stdout,
/// stderr, each a SYN_STREAM whose <c>streamtype</c> header names it — and the runtime answers each with SYN_REPLY.
/// stdin is sent as data frames once its stream is replied to (spdystream drops data on a stream it has not replied to),
/// and its end is a data frame with FLAG_FIN: the half-close the WebSocket protocol v4 lacks, so `cat` sees the end
/// of its input. stdout and stderr arrive as data frames; the error stream carries the final Status (v4: JSON). The
/// session ends when the error, stdout and stderr streams are finished (FIN or RST_STREAM), or at GOAWAY or the end of
/// the connection.
/// <para>
/// Flow control: the client returns a WINDOW_UPDATE (stream and session) for every data frame it takes, as SPDY/3.1
/// asks. It does not hold stdin back at the 64 KiB initial window waiting for the peer's WINDOW_UPDATE: spdystream (the
/// runtime's side, and kubectl's) implements no flow control and never sends one — it ignores the frame — so a client
/// that waited would stall every stdin past 64 KiB. Back-pressure is TCP's, as between kubectl and the kubelet.
/// </para>
/// </summary>
internal sealed class SpdyExecSession(Stream connection, string? protocol, TextWriter stdout, TextWriter stderr)
{
    /// <summary>The X-Stream-Protocol-Version values kubectl offers for exec over SPDY, newest first.</summary>
    public static readonly string[] Protocols = [ChannelSession.Protocol, "v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io"];

    private const int StdinChunkBytes = 32 * 1024;

    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly SpdyHeaderCompressor _compressor = new();
    private readonly SpdyHeaderDecompressor _decompressor = new();
    private readonly Dictionary<uint, TaskCompletionSource> _replies = [];
    private readonly Dictionary<uint, string> _streams = [];
    private readonly HashSet<uint> _receiving = [];
    private readonly Decoder _stdoutDecoder = Encoding.UTF8.GetDecoder();
    private readonly Decoder _stderrDecoder = Encoding.UTF8.GetDecoder();
    private readonly MemoryStream _status = new();
    private volatile bool _stdinClosed;
    private uint _nextStreamId = 1;

    /// <summary>Relays until the session ends; the remote command's exit code, or a CliException for a failure.</summary>
    public async Task<int> RunAsync(Stream? stdin, CancellationToken ct)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var input = Task.CompletedTask;
        try
        {
            var error = Register("error");
            var stdinId = stdin is null ? 0 : Register("stdin");
            var output = Register("stdout");
            var errorOutput = Register("stderr");
            var receiving = ReceiveAsync(ct);
            // One stream at a time, each once the previous one is replied to, as kubectl's client opens them.
            foreach (var id in (uint[])[error, stdinId, output, errorOutput])
            {
                if (id != 0 && !receiving.IsCompleted)
                    await OpenAsync(id, receiving, ct).ConfigureAwait(false);
            }
            input = stdin is null ? Task.CompletedTask : PumpStdinAsync(stdin, stdinId, session.Token);
            await receiving.ConfigureAwait(false);
        }
        catch (SpdyProtocolException e)
        {
            throw new CliException($"error: the exec session's SPDY stream is malformed: {e.Message}");
        }
        catch (IOException e) when (!ct.IsCancellationRequested)
        {
            throw new CliException($"error: the exec session's connection failed: {e.Message}");
        }
        finally
        {
            await session.CancelAsync().ConfigureAwait(false);
        }

        // A pump blocked reading a terminal cannot be cancelled (a console read is not): leave it, the process ends.
        _ = input.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        await SendQuietlyAsync(SpdyFrameWriter.GoAway(0, 0)).ConfigureAwait(false);
        return ExitCode();
    }

    /// <summary>The next stream id of the client's (odd), for <paramref name="streamType"/>; registered before any frame is read.</summary>
    private uint Register(string streamType)
    {
        var id = _nextStreamId;
        _nextStreamId += 2;
        _streams[id] = streamType;
        _replies[id] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (streamType != "stdin")
            _receiving.Add(id);
        return id;
    }

    /// <summary>SYN_STREAM for <paramref name="id"/>, then its SYN_REPLY (or the end of the session).</summary>
    private async Task OpenAsync(uint id, Task receiving, CancellationToken ct)
    {
        var block = _compressor.Compress(SpdyHeaderBlock.Encode([new("streamtype", _streams[id])]));
        await SendAsync(SpdyFrameWriter.SynStream(id, 0, block), ct).ConfigureAwait(false);
        await Task.WhenAny(_replies[id].Task, receiving).WaitAsync(ct).ConfigureAwait(false);
    }

    private async Task PumpStdinAsync(Stream stdin, uint id, CancellationToken ct)
    {
        var buffer = new byte[StdinChunkBytes];
        int read;
        while (!_stdinClosed && (read = await stdin.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            await SendAsync(SpdyFrameWriter.Data(id, 0, buffer.AsSpan(0, read)), ct).ConfigureAwait(false);
        if (!_stdinClosed)
            await SendAsync(SpdyFrameWriter.Data(id, SpdyFrame.FlagFin, []), ct).ConfigureAwait(false);
    }

    private async Task ReceiveAsync(CancellationToken ct)
    {
        var reader = new SpdyFrameReader(connection);
        while (_receiving.Count > 0 && await ReadAsync(reader, ct).ConfigureAwait(false) is { } frame)
        {
            switch (frame.Type)
            {
                case SpdyFrameType.Data:
                    await DeliverAsync(frame, ct).ConfigureAwait(false);
                    break;
                case SpdyFrameType.SynReply:
                case SpdyFrameType.Headers:
                    // Every header block is inflated, even one not needed: the peer's zlib stream runs through all of them.
                    SpdyHeaderBlock.Decode(_decompressor.Decompress(frame.Payload.Span));
                    Known(frame);
                    if (frame.Type == SpdyFrameType.SynReply)
                        _replies[frame.StreamId].TrySetResult();
                    if (frame.IsFin)
                        Finished(frame.StreamId);
                    break;
                case SpdyFrameType.SynStream:
                    // The runtime opens no streams of its own in exec; refuse one as kubectl's client does.
                    SpdyHeaderBlock.Decode(_decompressor.Decompress(frame.Payload.Span));
                    await AnswerAsync(SpdyFrameWriter.RstStream(frame.StreamId, SpdyStatus.RefusedStream), ct).ConfigureAwait(false);
                    break;
                case SpdyFrameType.RstStream:
                    if (_streams.TryGetValue(frame.StreamId, out var type) && type == "stdin")
                    {
                        // The runtime will read no more stdin: stop sending it.
                        _stdinClosed = true;
                    }
                    if (_replies.TryGetValue(frame.StreamId, out var reply))
                        reply.TrySetResult();
                    Finished(frame.StreamId);
                    break;
                case SpdyFrameType.Ping:
                    // An even id is the server's ping: echo it. An odd one would answer a ping of ours; we send none.
                    if ((frame.StreamId & 1) == 0)
                        await AnswerAsync(SpdyFrameWriter.Ping(frame.StreamId), ct).ConfigureAwait(false);
                    break;
                case SpdyFrameType.GoAway:
                    return;                                // the runtime is closing: what it sent is all there is
                default:
                    break;                                 // SETTINGS, WINDOW_UPDATE (see above) and unknown types
            }
        }
    }

    /// <summary>The next frame; null at the end of the connection, or when it broke after the final Status arrived.</summary>
    private async Task<SpdyFrame?> ReadAsync(SpdyFrameReader reader, CancellationToken ct)
    {
        try
        {
            return await reader.ReadAsync(ct).ConfigureAwait(false);
        }
        catch (IOException) when (_status.Length > 0)
        {
            return null;
        }
    }

    private async Task DeliverAsync(SpdyFrame frame, CancellationToken ct)
    {
        if (!_receiving.Contains(frame.StreamId))
        {
            Known(frame);
            return;                                        // data after a stream ended (a late frame after RST_STREAM)
        }
        var data = frame.Payload;
        switch (_streams[frame.StreamId])
        {
            case "stdout":
                await ChannelSession.WriteTextAsync(stdout, _stdoutDecoder, data, ct).ConfigureAwait(false);
                break;
            case "stderr":
                await ChannelSession.WriteTextAsync(stderr, _stderrDecoder, data, ct).ConfigureAwait(false);
                break;
            case "error":
                if (_status.Length + data.Length > RemoteCommandStatus.MaxBytes)
                    throw new CliException($"error: the session's status is larger than {RemoteCommandStatus.MaxBytes} bytes");
                _status.Write(data.Span);
                break;
        }
        if (data.Length > 0)
        {
            await AnswerAsync(SpdyFrameWriter.WindowUpdate(frame.StreamId, (uint)data.Length), ct).ConfigureAwait(false);
            await AnswerAsync(SpdyFrameWriter.WindowUpdate(0, (uint)data.Length), ct).ConfigureAwait(false);
        }
        if (frame.IsFin)
            Finished(frame.StreamId);
    }

    /// <summary>A frame on a stream the client never opened is a peer that does not follow the protocol.</summary>
    private void Known(SpdyFrame frame)
    {
        if (!_streams.ContainsKey(frame.StreamId))
            throw new SpdyProtocolException($"a {SpdyFrameReader.Name(frame.Type)} frame on stream {frame.StreamId}, which the client did not open");
    }

    private void Finished(uint id) => _receiving.Remove(id);

    private async Task SendAsync(byte[] frame, CancellationToken ct)
    {
        await _writing.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await connection.WriteAsync(frame, ct).ConfigureAwait(false);
            await connection.FlushAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>
    /// A frame answering the peer's (WINDOW_UPDATE, PING, RST_STREAM): the runtime closes the connection right after the
    /// final Status, so an answer may find it gone — that is the end of the session, which the reader sees, not a failure.
    /// </summary>
    private async Task AnswerAsync(byte[] frame, CancellationToken ct)
    {
        try
        {
            await SendAsync(frame, ct).ConfigureAwait(false);
        }
        catch (IOException)
        {
        }
    }

    private async Task SendQuietlyAsync(byte[] frame)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await SendAsync(frame, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The runtime closed first: nothing to say goodbye to.
        }
    }

    private int ExitCode()
    {
        var status = _status.ToArray();
        if (protocol == ChannelSession.Protocol)
            return RemoteCommandStatus.ExitCode(status);
        // v1–v3 (an older runtime): the error stream is a message, not a Status; kubectl reports it as below.
        if (status.Length == 0)
            return 0;
        throw new CliException("error: error executing remote command: " + Encoding.UTF8.GetString(status));
    }
}
