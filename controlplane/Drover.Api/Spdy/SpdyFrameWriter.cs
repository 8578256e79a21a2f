using System.Buffers.Binary;

namespace Drover.Api.Spdy;

/// <summary>The frames a SPDY/3.1 client sends, each as one buffer to write whole (the writer serialises them).</summary>
public static class SpdyFrameWriter
{
    /// <summary>The most a data frame carries (24-bit length); a client's stdin is sent in smaller pieces anyway.</summary>
    public const int MaxDataBytes = 0xFFFFFF;

    /// <summary>SYN_STREAM: a new stream of the client's (odd id), priority 0, with its compressed header block.</summary>
    public static byte[] SynStream(uint streamId, byte flags, ReadOnlySpan<byte> headerBlock)
    {
        var frame = Control(SpdyFrameType.SynStream, flags, 10 + headerBlock.Length);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), streamId & 0x7FFFFFFF);
        // Associated-To-Stream-ID, priority and slot: 0 (6 bytes already zero).
        headerBlock.CopyTo(frame.AsSpan(18));
        return frame;
    }

    public static byte[] Data(uint streamId, byte flags, ReadOnlySpan<byte> data)
    {
        if (data.Length > MaxDataBytes)
            throw new ArgumentOutOfRangeException(nameof(data), data.Length, $"a data frame carries at most {MaxDataBytes} bytes");
        var frame = new byte[SpdyFrameReader.HeaderBytes + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, streamId & 0x7FFFFFFF);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), ((uint)flags << 24) | (uint)data.Length);
        data.CopyTo(frame.AsSpan(8));
        return frame;
    }

    public static byte[] RstStream(uint streamId, uint status) => TwoWords(SpdyFrameType.RstStream, streamId, status);

    public static byte[] GoAway(uint lastGoodStreamId, uint status) => TwoWords(SpdyFrameType.GoAway, lastGoodStreamId, status);

    /// <summary>WINDOW_UPDATE of a stream, or of the session (stream 0, SPDY/3.1).</summary>
    public static byte[] WindowUpdate(uint streamId, uint delta) => TwoWords(SpdyFrameType.WindowUpdate, streamId, delta & 0x7FFFFFFF);

    public static byte[] Ping(uint id)
    {
        var frame = Control(SpdyFrameType.Ping, 0, 4);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), id);
        return frame;
    }

    private static byte[] TwoWords(SpdyFrameType type, uint first, uint second)
    {
        var frame = Control(type, 0, 8);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), first & 0x7FFFFFFF);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(12), second);
        return frame;
    }

    private static byte[] Control(SpdyFrameType type, byte flags, int length)
    {
        var frame = new byte[SpdyFrameReader.HeaderBytes + length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, 0x80000000 | ((uint)SpdyFrameReader.Version << 16) | (ushort)type);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), ((uint)flags << 24) | (uint)length);
        return frame;
    }
}
