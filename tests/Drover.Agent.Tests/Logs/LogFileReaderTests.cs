using System.Globalization;
using System.Text;

namespace Drover.Agent.Logs.Tests;

/// <summary>The reader and the tail search on real files in a temporary directory.</summary>
public sealed class LogFileReaderTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("drover-logreader-").FullName;

    private string LogPath => Path.Combine(_directory, "0.log");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string Line(int i, string stream = "stdout", string tag = "F", string? message = null) =>
        string.Create(CultureInfo.InvariantCulture, $"2024-01-01T00:00:{i % 60:00}.{i:000000000}Z {stream} {tag} {message ?? "line " + i}\n");

    private void Append(string text) => File.AppendAllText(LogPath, text);

    private static List<string> ReadAll(LogFileReader reader, long limit = long.MaxValue)
    {
        var lines = new List<string>();
        reader.Read(l => lines.Add(Encoding.UTF8.GetString(l)), limit);
        return lines;
    }

    private List<string> Tail(long lines)
    {
        using var reader = new LogFileReader(LogPath, new CriLogDecoder(timestamps: false));
        Assert.True(reader.TryOpen());
        var end = reader.Length;
        reader.SeekToTail(lines, end);
        var all = ReadAll(reader, end);
        return [.. all.Skip(Math.Max(0, all.Count - (int)lines))];
    }

    [Fact]
    public void TryOpen_NoFile_ReturnsFalse()
    {
        using var reader = new LogFileReader(LogPath, new CriLogDecoder(timestamps: false));
        Assert.False(reader.TryOpen());
        Assert.Empty(ReadAll(reader));
    }

    [Fact]
    public void Read_IncompleteLastLine_WaitsForItsNewline()
    {
        Append(Line(1));
        Append("2024-01-01T00:00:02Z stdout F sec");
        using var reader = new LogFileReader(LogPath, new CriLogDecoder(timestamps: false));
        reader.TryOpen();

        Assert.Equal(["line 1\n"], ReadAll(reader));
        Append("ond\n");
        Assert.Equal(["second\n"], ReadAll(reader));
    }

    [Fact]
    public void Read_LinesAcrossChunkBoundaries_AllDecoded()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 5000; i++)
            text.Append(Line(i));
        Append(text.ToString());
        using var reader = new LogFileReader(LogPath, new CriLogDecoder(timestamps: false));
        reader.TryOpen();

        var lines = ReadAll(reader);

        Assert.Equal(5000, lines.Count);
        Assert.Equal("line 4999\n", lines[^1]);
    }

    [Fact]
    public void SeekToTail_TwoOfTen_ReturnsLastTwo()
    {
        for (var i = 1; i <= 10; i++)
            Append(Line(i));

        Assert.Equal(["line 9\n", "line 10\n"], Tail(2));
    }

    [Fact]
    public void SeekToTail_Zero_ReturnsNothing()
    {
        Append(Line(1));
        Assert.Empty(Tail(0));
    }

    [Fact]
    public void SeekToTail_MoreThanThereAre_ReturnsAll()
    {
        Append(Line(1));
        Append(Line(2));
        Assert.Equal(["line 1\n", "line 2\n"], Tail(100));
    }

    [Fact]
    public void SeekToTail_LastLineJoinedFromPartials_CountsAsOneLine()
    {
        Append(Line(1));
        Append(Line(2, tag: "P", message: "joi"));
        Append(Line(3, stream: "stderr", tag: "F", message: "err"));
        Append(Line(4, tag: "P", message: "n"));
        Append(Line(5, tag: "F", message: "ed"));

        Assert.Equal(["err\n", "joined\n"], Tail(2));
    }

    [Fact]
    public void SeekToTail_IncompleteTrailingLineAndMalformedLines_NotCounted()
    {
        Append(Line(1));
        Append(Line(2));
        Append("junk\n");
        Append(Line(3));
        Append("2024-01-01T00:00:09Z stdout F unfinish");

        Assert.Equal(["line 2\n", "line 3\n"], Tail(2));
    }

    [Fact]
    public void SeekToTail_LargeFile_LastLinesFromFarBeyondOneChunk()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 20000; i++)
            text.Append(Line(i));
        Append(text.ToString());

        var tail = Tail(3);

        Assert.Equal(["line 19997\n", "line 19998\n", "line 19999\n"], tail);
    }

    [Fact]
    public void WasTruncated_FileCutShort_RewindReadsFromStart()
    {
        Append(Line(1));
        Append(Line(2));
        using var reader = new LogFileReader(LogPath, new CriLogDecoder(timestamps: false));
        reader.TryOpen();
        ReadAll(reader);

        File.WriteAllText(LogPath, Line(3));

        Assert.True(reader.WasTruncated());
        reader.Rewind();
        Assert.Equal(["line 3\n"], ReadAll(reader));
    }

    [Fact]
    public void WasReplaced_RenamedAndCreatedAnew_ReopenReadsTheNewFile()
    {
        Append(Line(1));
        using var reader = new LogFileReader(LogPath, new CriLogDecoder(timestamps: false));
        reader.TryOpen();
        ReadAll(reader);
        Assert.False(reader.WasReplaced());

        File.Move(LogPath, LogPath + ".1");
        Append(Line(2));

        Assert.True(reader.WasReplaced());
        reader.Reopen();
        Assert.False(reader.WasReplaced());
        Assert.Equal(["line 2\n"], ReadAll(reader));
    }

    [Fact]
    public void WasReplaced_Deleted_IsTrue()
    {
        Append(Line(1));
        using var reader = new LogFileReader(LogPath, new CriLogDecoder(timestamps: false));
        reader.TryOpen();

        File.Delete(LogPath);

        Assert.True(reader.WasReplaced());
        reader.Reopen();
        Assert.False(reader.IsOpen);
    }
}
