namespace Drover.Api.Tests;

/// <summary>Cron schedules as robfig/cron's ParseStandard reads them (what Kubernetes validates CronJobs with), and their next times.</summary>
public class CronScheduleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);   // a Thursday

    [Theory]
    [InlineData("*/5 * * * *", "2026-01-01T12:05:00Z")]
    [InlineData("0 * * * *", "2026-01-01T13:00:00Z")]
    [InlineData("@hourly", "2026-01-01T13:00:00Z")]
    [InlineData("@daily", "2026-01-02T00:00:00Z")]
    [InlineData("@midnight", "2026-01-02T00:00:00Z")]
    [InlineData("@weekly", "2026-01-04T00:00:00Z")]
    [InlineData("@monthly", "2026-02-01T00:00:00Z")]
    [InlineData("@yearly", "2027-01-01T00:00:00Z")]
    [InlineData("@annually", "2027-01-01T00:00:00Z")]
    [InlineData("30 2 * * MON-FRI", "2026-01-02T02:30:00Z")]
    [InlineData("0 9 * * sat,sun", "2026-01-03T09:00:00Z")]
    [InlineData("15,45 12 * * *", "2026-01-01T12:15:00Z")]
    [InlineData("0 0 29 FEB *", "2028-02-29T00:00:00Z")]
    [InlineData("10-20/5 12 * * *", "2026-01-01T12:10:00Z")]
    [InlineData("7/20 * * * *", "2026-01-01T12:07:00Z")]
    // Both day fields restricted: either one (the 13th, or any Friday).
    [InlineData("0 0 13 * 5", "2026-01-02T00:00:00Z")]
    [InlineData("0 0 ? * 1", "2026-01-05T00:00:00Z")]
    [InlineData("@every 90s", "2026-01-01T12:01:30Z")]
    public void Next_Schedule_KubernetesTime(string spec, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), CronSchedule.Parse(spec).Next(T0, TimeZoneInfo.Utc));

    [Fact]
    public void Next_NeverMatchingDate_Null() =>
        Assert.Null(CronSchedule.Parse("0 0 30 2 *").Next(T0, TimeZoneInfo.Utc));

    [Fact]
    public void Next_TimeZone_WallClockTimeInThatZoneAcrossDaylightSaving()
    {
        Assert.True(CronTimeZones.TryFind("Europe/Berlin", out var berlin));
        var schedule = CronSchedule.Parse("30 2 * * *");

        // 02:30 does not exist on 2026-03-29 in Berlin (clocks jump 02:00 → 03:00): that day is skipped.
        var next = schedule.Next(new DateTimeOffset(2026, 3, 28, 12, 0, 0, TimeSpan.Zero), berlin);

        Assert.Equal(new DateTimeOffset(2026, 3, 30, 0, 30, 0, TimeSpan.Zero), next);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 1, 30, 0, TimeSpan.Zero), schedule.Next(T0, berlin));
    }

    [Theory]
    [InlineData("", "empty spec string")]
    [InlineData("* * * *", "expected exactly 5 fields, found 4")]
    [InlineData("* * * * * *", "expected exactly 5 fields, found 6")]
    [InlineData("60 * * * *", "above the field's maximum (59)")]
    [InlineData("* 24 * * *", "above the field's maximum (23)")]
    [InlineData("* * 0 * *", "below the field's minimum (1)")]
    [InlineData("* * * 13 *", "above the field's maximum (12)")]
    [InlineData("* * * * 7", "above the field's maximum (6)")]
    [InlineData("*/0 * * * *", "step must be a positive number")]
    [InlineData("*/99 * * * *", "must be at most the field's span")]
    [InlineData("20-10 * * * *", "beginning of range (20) beyond end of range (10)")]
    [InlineData("a * * * *", "failed to parse int from a")]
    [InlineData("99999999999 * * * *", "failed to parse int")]
    [InlineData("@fortnightly", "unrecognized descriptor")]
    [InlineData("@every never", "failed to parse duration")]
    [InlineData("TZ=UTC * * * * *", "use timeZone field instead")]
    [InlineData("CRON_TZ=UTC 0 * * * *", "use timeZone field instead")]
    public void TryParse_Bad_SaysWhy(string spec, string why)
    {
        Assert.False(CronSchedule.TryParse(spec, out _, out var error));
        Assert.Contains(why, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_TooLong_RefusedBeforeParsing()
    {
        Assert.False(CronSchedule.TryParse(string.Join(',', Enumerable.Repeat("1", 200)) + " * * * *", out _, out var error));
        Assert.Contains("no more than 256 characters", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Etc/UTC", true)]
    [InlineData("America/New_York", true)]
    [InlineData("Mars/Olympus_Mons", false)]
    [InlineData("../../etc/passwd", false)]
    [InlineData("/etc/localtime", false)]
    public void CronTimeZones_TryFind_OnlyKnownZoneNames(string id, bool found) =>
        Assert.Equal(found, CronTimeZones.TryFind(id, out _));
}
