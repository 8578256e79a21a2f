namespace Drover.Api.Tests;

public class GoDurationsTests
{
    [Theory]
    [InlineData("3000000000000000000000000000000000m")]
    [InlineData("11111111111111111111111h30")]
    [InlineData("13333333h33333333333333333333330m")]
    [InlineData("333333333333333333333333333333330")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1e300")]
    [InlineData("2562048h")]
    public void TryParse_BeyondGosLongestDuration_FalseNotOverflow(string text)
    {
        // Found by bench/fuzz (target go-duration): these threw OverflowException or ArgumentException out of TryParse.
        Assert.False(GoDurations.TryParse(text, out _));
    }

    [Theory]
    [InlineData("1m30s", 90_000)]
    [InlineData("500ms", 500)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData("2562047h", 9_223_369_200_000)]
    [InlineData("0", 0)]
    [InlineData("-1.5s", -1_500)]
    [InlineData(".5s", 500)]
    [InlineData("1h2m3s4ms", 3_723_004)]
    [InlineData("1500us", 1)]
    [InlineData("1500µs", 1)]
    [InlineData("2000000ns", 2)]
    public void TryParse_Valid_Reads(string text, long milliseconds)
    {
        Assert.True(GoDurations.TryParse(text, out var duration));
        Assert.Equal(milliseconds, (long)duration.TotalMilliseconds);
    }

    [Theory]
    [InlineData("15")]
    [InlineData("1e3")]
    [InlineData("5x")]
    [InlineData("s")]
    [InlineData("1m-")]
    [InlineData("")]
    [InlineData("-")]
    public void TryParse_NotGoSyntax_False(string text) =>
        Assert.False(GoDurations.TryParse(text, out _));

    [Theory]
    [InlineData("15", true, "is a bare number, not a duration: write it with a unit (e.g. 15s;")]
    [InlineData("soon", true, "is not a duration (e.g. 10s, 500ms, 1m30s, 2h)")]
    [InlineData("-5s", true, "must not be negative")]
    [InlineData("0s", false, "must be longer than zero")]
    public void ParseFlag_Refused_SaysWhy(string text, bool mayBeZero, string expected) =>
        Assert.StartsWith(expected, GoDurations.ParseFlag(text, mayBeZero, out _), StringComparison.Ordinal);

    [Theory]
    [InlineData("0", true, 0)]
    [InlineData("0s", true, 0)]
    [InlineData("20s", false, 20_000)]
    public void ParseFlag_InRange_NullAndDuration(string text, bool mayBeZero, long milliseconds)
    {
        Assert.Null(GoDurations.ParseFlag(text, mayBeZero, out var duration));
        Assert.Equal(milliseconds, (long)duration.TotalMilliseconds);
    }

    [Theory]
    [InlineData(5_000, "5s")]
    [InlineData(60_000, "1m0s")]
    [InlineData(90_000, "1m30s")]
    [InlineData(3_600_000, "1h0m0s")]
    [InlineData(1_500, "1.5s")]
    [InlineData(250, "250ms")]
    [InlineData(0, "0s")]
    [InlineData(-90_000, "-1m30s")]
    public void Format_Duration_PrintsAsGo(long milliseconds, string expected) =>
        Assert.Equal(expected, GoDurations.Format(TimeSpan.FromMilliseconds(milliseconds)));
}
