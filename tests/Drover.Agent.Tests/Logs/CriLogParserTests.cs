using System.Text;

namespace Drover.Agent.Logs.Tests;

public sealed class CriLogParserTests
{
    private static bool Parse(string line, out string timestamp, out CriLogStream stream, out bool partial, out string message)
    {
        var ok = CriLogParser.TryParse(Encoding.UTF8.GetBytes(line), out var entry);
        timestamp = Encoding.UTF8.GetString(entry.Timestamp);
        stream = entry.Stream;
        partial = entry.Partial;
        message = Encoding.UTF8.GetString(entry.Message);
        return ok;
    }

    [Fact]
    public void TryParse_FullStdoutLine_SplitsFields()
    {
        Assert.True(Parse("2016-10-06T00:17:09.669794202Z stdout F hello world", out var timestamp, out var stream, out var partial, out var message));

        Assert.Equal("2016-10-06T00:17:09.669794202Z", timestamp);
        Assert.Equal(CriLogStream.Stdout, stream);
        Assert.False(partial);
        Assert.Equal("hello world", message);
    }

    [Fact]
    public void TryParse_PartialStderrLine_IsPartialOnStderr()
    {
        Assert.True(Parse("2016-10-06T00:17:09.669794202+02:00 stderr P first half", out _, out var stream, out var partial, out var message));

        Assert.Equal(CriLogStream.Stderr, stream);
        Assert.True(partial);
        Assert.Equal("first half", message);
    }

    [Fact]
    public void TryParse_MessageWithSpacesAndTags_KeepsMessageWhole()
    {
        Assert.True(Parse("2024-01-01T00:00:00Z stdout F:x   spaced  out ", out _, out _, out var partial, out var message));

        Assert.False(partial);
        Assert.Equal("  spaced  out ", message);
    }

    [Theory]
    [InlineData("2024-01-01T00:00:00Z stdout F")]
    [InlineData("2024-01-01T00:00:00Z stdout F ")]
    public void TryParse_EmptyMessage_ParsesAsEmptyLine(string line)
    {
        Assert.True(Parse(line, out _, out _, out _, out var message));
        Assert.Equal("", message);
    }

    [Fact]
    public void TryParse_CarriageReturn_IsDropped()
    {
        Assert.True(Parse("2024-01-01T00:00:00Z stdout F windows\r", out _, out _, out _, out var message));
        Assert.Equal("windows", message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("not-a-time stdout F message")]
    [InlineData("2024-01-01T00:00:00Z stdin F message")]
    [InlineData("2024-01-01T00:00:00Z stdout X message")]
    [InlineData("2024-01-01T00:00:00Z stdout")]
    [InlineData("2024-01-01 00:00:00Z stdout F message")]
    public void TryParse_MalformedLine_ReturnsFalse(string line)
    {
        Assert.False(Parse(line, out _, out _, out _, out _));
    }
}
