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
    public void Parse_BareNumber_SaysHowToWriteIt()
    {
        var e = Assert.Throws<CliException>(() => GoDuration.Parse("5", "--timeout"));
        Assert.Contains("write it with a unit (e.g. 5s", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Negative_Refused() =>
        Assert.Throws<CliException>(() => GoDuration.Parse("-5s", "--timeout"));
}
