using Drover.Cli.Arguments;

namespace Drover.Cli.Arguments.Tests;

public sealed class GoDurationTests
{
    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("500ms", 500)]
    [InlineData("2h", 7_200_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("0", 0)]
    [InlineData("", 0)]
    public void Parse_GoSyntax_ReadsDuration(string text, long milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), GoDuration.Parse(text, "--timeout"));

    [Theory]
    [InlineData("5")]
    [InlineData("5x")]
    [InlineData("s")]
    [InlineData("1m-")]
    public void Parse_NotADuration_NamesValueAndFlag(string text)
    {
        var e = Assert.Throws<CliException>(() => GoDuration.Parse(text, "--timeout"));
        Assert.Contains($"\"{text}\" for --timeout", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Negative_Refused() =>
        Assert.Throws<CliException>(() => GoDuration.Parse("-5s", "--timeout"));

    [Theory]
    [InlineData(5_000, "5s")]
    [InlineData(60_000, "1m0s")]
    [InlineData(90_000, "1m30s")]
    [InlineData(3_600_000, "1h0m0s")]
    [InlineData(1_500, "1.5s")]
    [InlineData(250, "250ms")]
    [InlineData(0, "0s")]
    public void Format_Duration_PrintsAsGo(long milliseconds, string expected) =>
        Assert.Equal(expected, GoDuration.Format(TimeSpan.FromMilliseconds(milliseconds)));
}
