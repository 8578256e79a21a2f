using Drover.Api.Printing;
using Drover.Cli.Output;

namespace Drover.Cli.Output.Tests;

public class HumanDurationTests
{
    // The table of apimachinery's duration_test.go, which kubectl's AGE column follows.
    [Theory]
    [InlineData(-2, "<invalid>")]
    [InlineData(-1, "0s")]
    [InlineData(0, "0s")]
    [InlineData(1, "1s")]
    [InlineData(45, "45s")]
    [InlineData(119, "119s")]
    [InlineData(120, "2m")]
    [InlineData(121, "2m1s")]
    [InlineData(310, "5m10s")]
    [InlineData(599, "9m59s")]
    [InlineData(600, "10m")]
    [InlineData(3 * 60 * 60 - 1, "179m")]
    [InlineData(3 * 60 * 60, "3h")]
    [InlineData(3 * 60 * 60 + 60, "3h1m")]
    [InlineData(8 * 60 * 60 - 1, "7h59m")]
    [InlineData(8 * 60 * 60, "8h")]
    [InlineData(48 * 60 * 60 - 1, "47h")]
    [InlineData(48 * 60 * 60, "2d")]
    [InlineData(49 * 60 * 60, "2d1h")]
    [InlineData(8 * 24 * 60 * 60 - 1, "7d23h")]
    [InlineData(8 * 24 * 60 * 60, "8d")]
    [InlineData(2 * 365 * 24 * 60 * 60 - 1, "729d")]
    [InlineData(2 * 365 * 24 * 60 * 60, "2y")]
    [InlineData(2 * 365 * 24 * 60 * 60 + 24 * 60 * 60, "2y1d")]
    [InlineData(8 * 365 * 24 * 60 * 60, "8y")]
    public void Format_Seconds_MatchesKubernetes(long seconds, string expected) =>
        Assert.Equal(expected, HumanDuration.Format(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Since_NoTimestamp_IsUnknown() =>
        Assert.Equal("<unknown>", HumanDuration.Since(null, DateTimeOffset.UnixEpoch));
}
