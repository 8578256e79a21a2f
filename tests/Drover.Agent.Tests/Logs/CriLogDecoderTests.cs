using System.Text;

namespace Drover.Agent.Logs.Tests;

public sealed class CriLogDecoderTests
{
    private static List<string> DecodeAll(CriLogDecoder decoder, params string[] lines) =>
        [.. lines.Select(l => decoder.Decode(Encoding.UTF8.GetBytes(l))).OfType<byte[]>().Select(Encoding.UTF8.GetString)];

    [Fact]
    public void Decode_FullLines_ReturnsMessagesWithNewlines()
    {
        var lines = DecodeAll(new CriLogDecoder(timestamps: false),
            "2024-01-01T00:00:01Z stdout F one",
            "2024-01-01T00:00:02Z stderr F two");

        Assert.Equal(["one\n", "two\n"], lines);
    }

    [Fact]
    public void Decode_Since_DropsOlderLines_ByTheirFirstPiece()
    {
        var lines = DecodeAll(new CriLogDecoder(timestamps: false, since: new DateTimeOffset(2024, 1, 1, 0, 0, 2, TimeSpan.Zero)),
            "2024-01-01T00:00:01.999999999Z stdout F early",
            "2024-01-01T00:00:01Z stdout P begun-",
            "2024-01-01T00:00:03Z stdout F before",
            "2024-01-01T01:00:02+01:00 stderr F same-instant",
            "2024-01-01T00:00:02.000000001Z stdout P late-",
            "2024-01-01T00:00:04Z stdout F joined");

        Assert.Equal(["same-instant\n", "late-joined\n"], lines);
    }

    [Fact]
    public void Decode_PartialsThenFull_JoinsIntoOneLine()
    {
        var decoder = new CriLogDecoder(timestamps: false);

        Assert.Null(decoder.Decode("2024-01-01T00:00:01Z stdout P aaa"u8));
        Assert.Null(decoder.Decode("2024-01-01T00:00:02Z stdout P bbb"u8));
        var line = decoder.Decode("2024-01-01T00:00:03Z stdout F ccc"u8);

        Assert.Equal("aaabbbccc\n", Encoding.UTF8.GetString(line!));
    }

    [Fact]
    public void Decode_PartialsOfBothStreamsInterleaved_JoinsEachStreamApart()
    {
        var lines = DecodeAll(new CriLogDecoder(timestamps: false),
            "2024-01-01T00:00:01Z stdout P out-1 ",
            "2024-01-01T00:00:02Z stderr P err-1 ",
            "2024-01-01T00:00:03Z stderr F err-2",
            "2024-01-01T00:00:04Z stdout F out-2");

        Assert.Equal(["err-1 err-2\n", "out-1 out-2\n"], lines);
    }

    [Fact]
    public void Decode_WithTimestamps_JoinedLineCarriesFirstPieceTime()
    {
        var lines = DecodeAll(new CriLogDecoder(timestamps: true),
            "2024-01-01T00:00:01.000000001Z stdout P he",
            "2024-01-01T00:00:02.000000002Z stdout F llo",
            "2024-01-01T00:00:03.000000003Z stdout F again");

        Assert.Equal(["2024-01-01T00:00:01.000000001Z hello\n", "2024-01-01T00:00:03.000000003Z again\n"], lines);
    }

    [Fact]
    public void Decode_MalformedLinesBetweenGoodOnes_SkipsAndCountsThem()
    {
        var decoder = new CriLogDecoder(timestamps: false);

        var lines = DecodeAll(decoder, "2024-01-01T00:00:01Z stdout F good", "\0\0binary junk", "", "2024-01-01T00:00:02Z stdout F fine");

        Assert.Equal(["good\n", "fine\n"], lines);
        Assert.Equal(2, decoder.Skipped);
    }

    [Fact]
    public void Decode_PartialNeverFinished_CutAtLimit()
    {
        var decoder = new CriLogDecoder(timestamps: false);
        var piece = "2024-01-01T00:00:01Z stdout P " + new string('x', 16 * 1024);
        byte[]? line = null;
        var pieces = 0;
        while (line is null)
        {
            line = decoder.Decode(Encoding.UTF8.GetBytes(piece));
            pieces++;
        }

        Assert.True(line.Length >= CriLogDecoder.MaxJoinedLength);
        Assert.Equal(CriLogDecoder.MaxJoinedLength / (16 * 1024), pieces);
    }

    [Fact]
    public void Reset_PendingPartial_IsForgotten()
    {
        var decoder = new CriLogDecoder(timestamps: false);
        decoder.Decode("2024-01-01T00:00:01Z stdout P lost"u8);

        decoder.Reset();

        Assert.Equal("new\n", Encoding.UTF8.GetString(decoder.Decode("2024-01-01T00:00:02Z stdout F new"u8)!));
    }
}
