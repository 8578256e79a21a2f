namespace Drover.Api.Tests;

/// <summary>Go's RFC3339Nano, strictly: what kubectl's --since-time, sinceTime and the runtime's log stamps are written in.</summary>
public sealed class Rfc3339Tests
{
    [Theory]
    [InlineData("2026-01-02T15:04:05Z", 0)]
    [InlineData("2026-01-02t15:04:05z", 0)]
    [InlineData("2026-01-02T15:04:05.1Z", 1_000_000)]
    [InlineData("2026-01-02T15:04:05.123456789Z", 1_234_567)]
    [InlineData("2026-01-02T16:04:05+01:00", 0)]
    [InlineData("2026-01-02T14:34:05-00:30", 0)]
    public void TryParse_Valid(string text, long ticksAfterSecond)
    {
        Assert.True(Rfc3339.TryParse(text, out var value));
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 15, 4, 5, TimeSpan.Zero).AddTicks(ticksAfterSecond), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2026-01-02")]
    [InlineData("2026-01-02 15:04:05Z")]
    [InlineData("2026-01-02T15:04:05")]
    [InlineData("2026-01-02T15:04:05.Z")]
    [InlineData("2026-01-02T15:04:05.1234567890Z")]
    [InlineData("2026-13-02T15:04:05Z")]
    [InlineData("2026-02-29T15:04:05Z")]
    [InlineData("2026-01-02T24:04:05Z")]
    [InlineData("2026-01-02T15:04:05+24:00")]
    [InlineData("0001-01-01T00:00:00+01:00")]
    [InlineData("+026-01-02T15:04:05Z")]
    [InlineData("2026-01-02T15:04:05Z ")]
    public void TryParse_Invalid(string text) => Assert.False(Rfc3339.TryParse(text, out _));

    [Fact]
    public void FormatUtc_WritesUtcInWholeSecondsOrWithTheFraction_AndParsesBack()
    {
        var time = new DateTimeOffset(2026, 1, 2, 17, 4, 5, TimeSpan.FromHours(2)).AddTicks(1234567);

        Assert.Equal("2026-01-02T15:04:05Z", Rfc3339.FormatUtc(time));
        Assert.Equal("2026-01-02T15:04:05.1234567Z", Rfc3339.FormatUtc(time, fraction: true));
        Assert.True(Rfc3339.TryParse(Rfc3339.FormatUtc(time, fraction: true), out var back));
        Assert.Equal(time, back);
    }
}
