using System.Buffers.Binary;

namespace Drover.Api.Spdy;

/// <summary>
/// Reads SPDY/3.1 frames (draft-mbelshe-httpbis-spdy-00 §2.2, with SPDY/3.1's session WINDOW_UPDATE) from the peer's
/// bytes, checking each against its type's fixed layout and the limits here before anything acts on it: a frame longer
/// than <see cref="MaxFrameBytes"/>, another version, a zero stream id where one is needed, a wrong length — a
/// <see cref="SpdyProtocolException"/> naming it. Control frames of unknown types are returned for the caller to skip
/// (the spec says to ignore them).
/// </summary>
public sealed class SpdyFrameReader(Stream stream, int maxFrameBytes = SpdyFrameReader.DefaultMaxFrameBytes)
{
    /// <summary>The peer's frames: containerd's data frames are at most 32 KiB (io.Copy's buffer), header blocks a few hundred bytes.</summary>
    public const int DefaultMaxFrameBytes = 1 << 20;

    public const int HeaderBytes = 8;
    public const ushort Version = 3;

    private readonly byte[] _header = new byte[HeaderBytes];
    private byte[] _payload = new byte[16 * 1024];

    public int MaxFrameBytes { get; } = maxFrameBytes;

    /// <summary>The next frame, or null when the peer closed the connection between frames.</summary>
    public async ValueTask<SpdyFrame?> ReadAsync(CancellationToken ct)
    {
        var read = await stream.ReadAtLeastAsync(_header, HeaderBytes, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        if (read == 0)
            return null;
        if (read < HeaderBytes)
            throw new SpdyProtocolException($"the connection ended inside a frame header ({read} of {HeaderBytes} bytes)");
        var length = ReadLength(_header, MaxFrameBytes);
        if (_payload.Length < length)
            _payload = new byte[Math.Max(length, Math.Min(_payload.Length * 2, MaxFrameBytes))];
        if (length > 0)
        {
            read = await stream.ReadAtLeastAsync(_payload.AsMemory(0, length), length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
            if (read < length)
                throw new SpdyProtocolException($"the connection ended inside a frame ({read} of {length} payload bytes)");
        }
        return Parse(_header, _payload.AsMemory(0, length));
    }

    /// <summary>The payload length a frame header announces, refused past <paramref name="maxFrameBytes"/>.</summary>
    public static int ReadLength(ReadOnlySpan<byte> header, int maxFrameBytes)
    {
        var length = (int)(BinaryPrimitives.ReadUInt32BigEndian(header[4..]) & 0xFFFFFF);
        if (length > maxFrameBytes)
            throw new SpdyProtocolException($"a frame of {length} bytes is larger than the limit of {maxFrameBytes}");
        return length;
    }

    /// <summary>One frame from its 8-byte header and its payload (exactly the length the header announces).</summary>
    public static SpdyFrame Parse(ReadOnlySpan<byte> header, ReadOnlyMemory<byte> payload)
    {
        var first = BinaryPrimitives.ReadUInt32BigEndian(header);
        var flags = header[4];
        var span = payload.Span;
        if ((first & 0x80000000) == 0)
        {
            var dataStream = first & 0x7FFFFFFF;
            if (dataStream == 0)
                throw new SpdyProtocolException("a data frame on stream 0");
            return new SpdyFrame(SpdyFrameType.Data, flags, dataStream, 0, payload);
        }

        var version = (first >> 16) & 0x7FFF;
        if (version != Version)
            throw new SpdyProtocolException($"a control frame of SPDY version {version} (this client speaks {Version})");
        var type = (SpdyFrameType)(first & 0xFFFF);
        switch (type)
        {
            case SpdyFrameType.SynStream:
                AtLeast(type, span, 10);
                return new SpdyFrame(type, flags, StreamId(type, span), 0, payload[10..]);
            case SpdyFrameType.SynReply:
            case SpdyFrameType.Headers:
                AtLeast(type, span, 4);
                return new SpdyFrame(type, flags, StreamId(type, span), 0, payload[4..]);
            case SpdyFrameType.RstStream:
                Exactly(type, span, 8);
                var status = BinaryPrimitives.ReadUInt32BigEndian(span[4..]);
                if (status == 0)
                    throw new SpdyProtocolException("an RST_STREAM frame with status 0");
                return new SpdyFrame(type, flags, StreamId(type, span), status, default);
            case SpdyFrameType.Settings:
                AtLeast(type, span, 4);
                var count = BinaryPrimitives.ReadUInt32BigEndian(span);
                if (count > (uint)(span.Length - 4) / 8 || 4 + (count * 8) != span.Length)
                    throw new SpdyProtocolException($"a SETTINGS frame of {span.Length} bytes announcing {count} entries");
                return new SpdyFrame(type, flags, 0, count, payload[4..]);
            case SpdyFrameType.Ping:
                Exactly(type, span, 4);
                return new SpdyFrame(type, flags, BinaryPrimitives.ReadUInt32BigEndian(span), 0, default);
            case SpdyFrameType.GoAway:
                Exactly(type, span, 8);
                return new SpdyFrame(type, flags, BinaryPrimitives.ReadUInt32BigEndian(span) & 0x7FFFFFFF, BinaryPrimitives.ReadUInt32BigEndian(span[4..]), default);
            case SpdyFrameType.WindowUpdate:
                Exactly(type, span, 8);
                var delta = BinaryPrimitives.ReadUInt32BigEndian(span[4..]) & 0x7FFFFFFF;
                if (delta == 0)
                    throw new SpdyProtocolException("a WINDOW_UPDATE frame with a delta of 0");
                // Stream 0 is SPDY/3.1's session window.
                return new SpdyFrame(type, flags, BinaryPrimitives.ReadUInt32BigEndian(span) & 0x7FFFFFFF, delta, default);
            default:
                return new SpdyFrame(type, flags, 0, 0, default);
        }
    }

    private static uint StreamId(SpdyFrameType type, ReadOnlySpan<byte> payload)
    {
        var id = BinaryPrimitives.ReadUInt32BigEndian(payload) & 0x7FFFFFFF;
        return id == 0 ? throw new SpdyProtocolException($"a {Name(type)} frame on stream 0") : id;
    }

    private static void AtLeast(SpdyFrameType type, ReadOnlySpan<byte> payload, int length)
    {
        if (payload.Length < length)
            throw new SpdyProtocolException($"a {Name(type)} frame of {payload.Length} bytes (at least {length})");
    }

    private static void Exactly(SpdyFrameType type, ReadOnlySpan<byte> payload, int length)
    {
        if (payload.Length != length)
            throw new SpdyProtocolException($"a {Name(type)} frame of {payload.Length} bytes (it has {length})");
    }

    public static string Name(SpdyFrameType type) => type switch
    {
        SpdyFrameType.Data => "data",
        SpdyFrameType.SynStream => "SYN_STREAM",
        SpdyFrameType.SynReply => "SYN_REPLY",
        SpdyFrameType.RstStream => "RST_STREAM",
        SpdyFrameType.Settings => "SETTINGS",
        SpdyFrameType.Ping => "PING",
        SpdyFrameType.GoAway => "GOAWAY",
        SpdyFrameType.Headers => "HEADERS",
        SpdyFrameType.WindowUpdate => "WINDOW_UPDATE",
        _ => $"type {(ushort)type}",
    };
}
