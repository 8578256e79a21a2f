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
    [InlineData("15", 15_000)]
    public void TryParse_Valid_Reads(string text, long milliseconds)
    {
        Assert.True(GoDurations.TryParse(text, out var duration));
        Assert.Equal(milliseconds, (long)duration.TotalMilliseconds);
    }
}
