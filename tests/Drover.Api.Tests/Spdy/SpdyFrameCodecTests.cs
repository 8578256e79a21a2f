using System.Buffers.Binary;

namespace Drover.Api.Spdy.Tests;

public class SpdyFrameCodecTests
{
    private static async Task<List<SpdyFrame>> ReadAllAsync(byte[] bytes, int max = SpdyFrameReader.DefaultMaxFrameBytes)
    {
        var reader = new SpdyFrameReader(new MemoryStream(bytes), max);
        var frames = new List<SpdyFrame>();
        while (await reader.ReadAsync(CancellationToken.None) is { } frame)
            frames.Add(frame with { Payload = frame.Payload.ToArray() });
        return frames;
    }

    private static byte[] Control(ushort version, ushort type, byte flags, params byte[] payload)
    {
        var frame = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, 0x80000000u | ((uint)version << 16) | type);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), ((uint)flags << 24) | (uint)payload.Length);
        payload.CopyTo(frame, 8);
        return frame;
    }

    [Fact]
    public async Task Writer_EveryFrameTheClientSends_ReadsBackAsWritten()
    {
        byte[] block = [1, 2, 3];
        var bytes = new[]
        {
            SpdyFrameWriter.SynStream(5, SpdyFrame.FlagFin, block),
            SpdyFrameWriter.Data(3, 0, "hi\n"u8),
            SpdyFrameWriter.Data(3, SpdyFrame.FlagFin, []),
            SpdyFrameWriter.RstStream(7, SpdyStatus.Cancel),
            SpdyFrameWriter.Ping(2),
            SpdyFrameWriter.WindowUpdate(0, 65536),
            SpdyFrameWriter.GoAway(9, 0),
        }.SelectMany(f => f).ToArray();

        var frames = await ReadAllAsync(bytes);

        Assert.Equal(7, frames.Count);
        Assert.Equal((SpdyFrameType.SynStream, (uint)5, true), (frames[0].Type, frames[0].StreamId, frames[0].IsFin));
        Assert.Equal(block, frames[0].Payload.ToArray());
        Assert.Equal((SpdyFrameType.Data, (uint)3, false), (frames[1].Type, frames[1].StreamId, frames[1].IsFin));
        Assert.Equal("hi\n"u8.ToArray(), frames[1].Payload.ToArray());
        Assert.Equal((SpdyFrameType.Data, (uint)3, true, 0), (frames[2].Type, frames[2].StreamId, frames[2].IsFin, frames[2].Payload.Length));
        Assert.Equal((SpdyFrameType.RstStream, (uint)7, SpdyStatus.Cancel), (frames[3].Type, frames[3].StreamId, frames[3].Value));
        Assert.Equal((SpdyFrameType.Ping, (uint)2), (frames[4].Type, frames[4].StreamId));
        Assert.Equal((SpdyFrameType.WindowUpdate, (uint)0, (uint)65536), (frames[5].Type, frames[5].StreamId, frames[5].Value));
        Assert.Equal((SpdyFrameType.GoAway, (uint)9, (uint)0), (frames[6].Type, frames[6].StreamId, frames[6].Value));
    }

    [Fact]
    public void Writer_SynStream_HasSpdy3sLayout()
    {
        var frame = SpdyFrameWriter.SynStream(1, 0, [0xAA]);

        // Control bit, version 3, type 1; flags 0, length 10 + 1; stream 1, associated 0, priority 0, slot 0, block.
        Assert.Equal(new byte[] { 0x80, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0B, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xAA }, frame);
    }

    [Fact]
    public async Task Reader_SynReplyAndSettingsAndUnknownType_ParsedOrPassedOn()
    {
        var bytes = Control(3, 2, 0, 0, 0, 0, 3, 0xAB)
            .Concat(Control(3, 4, 0, 0, 0, 0, 1, 0, 0, 0, 7, 0, 1, 0, 0))
            .Concat(Control(3, 42, 0, 1, 2, 3))
            .ToArray();

        var frames = await ReadAllAsync(bytes);

        Assert.Equal((SpdyFrameType.SynReply, (uint)3), (frames[0].Type, frames[0].StreamId));
        Assert.Equal(new byte[] { 0xAB }, frames[0].Payload.ToArray());
        Assert.Equal((SpdyFrameType.Settings, (uint)1), (frames[1].Type, frames[1].Value));
        Assert.Equal((SpdyFrameType)42, frames[2].Type);
    }

    public static TheoryData<byte[], string> Malformed => new()
    {
        { Control(2, 2, 0, 0, 0, 0, 1), "SPDY version 2" },
        { [0, 0, 0, 0, 0, 0, 0, 1, 0x61], "data frame on stream 0" },
        { Control(3, 2, 0, 0, 0, 0, 0), "SYN_REPLY frame on stream 0" },
        { Control(3, 2, 0, 0, 0), "SYN_REPLY frame of 2 bytes (at least 4)" },
        { Control(3, 1, 0, 0, 0, 0, 1, 0, 0), "SYN_STREAM frame of 6 bytes (at least 10)" },
        { Control(3, 3, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0), "RST_STREAM frame of 9 bytes (it has 8)" },
        { Control(3, 3, 0, 0, 0, 0, 1, 0, 0, 0, 0), "RST_STREAM frame with status 0" },
        { Control(3, 4, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0), "SETTINGS frame of 8 bytes announcing 4294967295 entries" },
        { Control(3, 6, 0, 0, 0, 1), "PING frame of 3 bytes (it has 4)" },
        { Control(3, 7, 0, 0, 0, 0, 1), "GOAWAY frame of 4 bytes (it has 8)" },
        { Control(3, 9, 0, 0, 0, 0, 1, 0, 0, 0, 0), "WINDOW_UPDATE frame with a delta of 0" },
        { [0x80, 0x03], "ended inside a frame header (2 of 8 bytes)" },
        { [0, 0, 0, 1, 0, 0, 0, 5, 0x61], "ended inside a frame (1 of 5 payload bytes)" },
        { [0, 0, 0, 1, 0, 0x10, 0, 1], "a frame of 1048577 bytes is larger than the limit of 1048576" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task Reader_MalformedFrame_RefusedNamingWhat(byte[] bytes, string expected)
    {
        var e = await Assert.ThrowsAsync<SpdyProtocolException>(() => ReadAllAsync(bytes));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reader_FrameOverTheLimit_RefusedBeforeItsPayloadIsRead()
    {
        var e = await Assert.ThrowsAsync<SpdyProtocolException>(() => ReadAllAsync(SpdyFrameWriter.Data(1, 0, new byte[100]), max: 64));

        Assert.Contains("a frame of 100 bytes is larger than the limit of 64", e.Message, StringComparison.Ordinal);
    }
}
