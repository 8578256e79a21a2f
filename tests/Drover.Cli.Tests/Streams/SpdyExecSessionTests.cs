using System.Net;
using System.Net.Sockets;
using System.Text;
using Drover.Api.Spdy;

namespace Drover.Cli.Streams.Tests;

/// <summary>
/// The client's side of a SPDY exec session against a peer scripted here over loopback TCP: what the client sends
/// (its four streams, stdin and its FIN) and how it meets bytes a runtime would not send. The session against the real
/// runtime is in Drover.Agent.Tests' ClientStreamTests.
/// </summary>
public sealed class SpdyExecSessionTests
{
    private const string ExitThree = """{"metadata":{},"status":"Failure","message":"command terminated with non-zero exit code","reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"3"}]}}""";

    /// <summary>A runtime's side: reads the client's frames, answers with its own (header blocks compressed as the client's are).</summary>
    private sealed class Peer(NetworkStream stream)
    {
        private readonly SpdyFrameReader _reader = new(stream);
        private readonly SpdyHeaderDecompressor _decompressor = new();
        private readonly SpdyHeaderCompressor _compressor = new();

        public async Task<SpdyFrame> ReadAsync()
        {
            var frame = await _reader.ReadAsync(CancellationToken.None) ?? throw new InvalidOperationException("the client closed");
            return frame with { Payload = frame.Payload.ToArray() };
        }

        /// <summary>The client's SYN_STREAMs, by stream type, each replied to (the client opens the next after the reply).</summary>
        public async Task<Dictionary<string, uint>> AcceptStreamsAsync(int count, bool reply = true)
        {
            var streams = new Dictionary<string, uint>();
            for (var i = 0; i < count; i++)
            {
                var frame = await ReadAsync();
                Assert.Equal(SpdyFrameType.SynStream, frame.Type);
                var headers = SpdyHeaderBlock.Decode(_decompressor.Decompress(frame.Payload.Span));
                streams[Assert.Single(headers, h => h.Key == "streamtype").Value] = frame.StreamId;
                if (reply)
                    await ReplyAsync(frame.StreamId);
            }
            return streams;
        }

        public Task ReplyAsync(uint stream)
        {
            var block = _compressor.Compress(SpdyHeaderBlock.Encode([]));
            var frame = new byte[12 + block.Length];
            frame[0] = 0x80;
            frame[1] = 3;
            frame[3] = 2;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), (uint)(4 + block.Length));
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), stream);
            block.CopyTo(frame, 12);
            return SendAsync(frame);
        }

        public async Task SendAsync(byte[] bytes) => await stream.WriteAsync(bytes);

        public void EndOutput() => stream.Socket.Shutdown(SocketShutdown.Send);
    }

    private static async Task<(int? Code, string Out, string Error, Exception? Failure)> RunAsync(byte[]? stdin, Func<Peer, Task> peer)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        await client.ConnectAsync((IPEndPoint)listener.LocalEndpoint);
        using var server = await listener.AcceptTcpClientAsync();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var session = new SpdyExecSession(client.GetStream(), ChannelSession.Protocol, output, error);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var running = session.RunAsync(stdin is null ? null : new MemoryStream(stdin), timeout.Token);
        await peer(new Peer(server.GetStream())).WaitAsync(TimeSpan.FromSeconds(30));
        try
        {
            return (await running, output.ToString(), error.ToString(), null);
        }
        catch (CliException e)
        {
            return (null, output.ToString(), error.ToString(), e);
        }
    }

    [Fact]
    public async Task RunAsync_Stdin_SentAfterTheReplyThenHalfClosed_ExitCodeFromTheStatus()
    {
        var received = new MemoryStream();
        var result = await RunAsync(Encoding.ASCII.GetBytes("hi\n"), async peer =>
        {
            var streams = await peer.AcceptStreamsAsync(4);
            Assert.Equal([1u, 3u, 5u, 7u], new[] { streams["error"], streams["stdin"], streams["stdout"], streams["stderr"] });
            while (true)
            {
                var frame = await peer.ReadAsync();
                Assert.Equal((SpdyFrameType.Data, streams["stdin"]), (frame.Type, frame.StreamId));
                received.Write(frame.Payload.Span);
                if (frame.IsFin)
                    break;
            }
            await peer.SendAsync(SpdyFrameWriter.Data(streams["stdout"], SpdyFrame.FlagFin, received.ToArray()));
            await peer.SendAsync(SpdyFrameWriter.Data(streams["stderr"], SpdyFrame.FlagFin, []));
            await peer.SendAsync(SpdyFrameWriter.Data(streams["error"], SpdyFrame.FlagFin, Encoding.UTF8.GetBytes(ExitThree)));
        });

        Assert.True(result.Code == 3, result.ToString());
        Assert.Equal("hi\n", result.Out);
    }

    [Fact]
    public async Task RunAsync_ServerPing_Echoed()
    {
        var result = await RunAsync(null, async peer =>
        {
            await peer.AcceptStreamsAsync(3);
            await peer.SendAsync(SpdyFrameWriter.Ping(2));
            var pong = await peer.ReadAsync();
            Assert.Equal((SpdyFrameType.Ping, 2u), (pong.Type, pong.StreamId));
            await peer.SendAsync(SpdyFrameWriter.GoAway(7, 0));
        });

        Assert.True(result.Code == 0, result.ToString());
    }

    public static TheoryData<byte[], string> Malformed => new()
    {
        { [0x80, 0x02, 0x00, 0x02, 0, 0, 0, 4, 0, 0, 0, 1], "SPDY version 2" },
        { SpdyFrameWriter.Data(9, 0, "x"u8), "a data frame on stream 9, which the client did not open" },
        { [0x80, 0x03, 0x00, 0x02, 0, 0, 0, 10, 0, 0, 0, 1, 0x78, 0x9C, 0, 0, 0, 0], "names no dictionary" },
        { [0, 0, 0, 5, 0x7F, 0xFF, 0xFF, 0xFF], "larger than the limit" },
        { [0, 0, 0, 5, 0, 0, 0, 9, 1], "ended inside a frame" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task RunAsync_MalformedServerBytes_ACleanErrorNamingThem(byte[] bytes, string expected)
    {
        var result = await RunAsync(null, async peer =>
        {
            await peer.AcceptStreamsAsync(1, reply: false);   // the error stream, waiting for its reply
            await peer.SendAsync(bytes);
            peer.EndOutput();
        });

        var failure = Assert.IsType<CliException>(result.Failure);
        Assert.StartsWith("error: the exec session's SPDY stream is malformed: ", failure.Message, StringComparison.Ordinal);
        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
    }
}
