namespace Drover.Api.Client.Tests;

public sealed class RenewalScheduleTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Backdate_LongLifetime_FiveMinutesShortOneATenth()
    {
        Assert.Equal(TimeSpan.FromMinutes(5), RenewalSchedule.Backdate(TimeSpan.FromHours(8760)));
        Assert.Equal(TimeSpan.FromSeconds(3), RenewalSchedule.Backdate(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void RenewAt_CertificateIssuedNow_TwoThirdsIntoItsValidity()
    {
        var lifetime = TimeSpan.FromSeconds(30);
        var notBefore = Now - RenewalSchedule.Backdate(lifetime);

        var renewAt = RenewalSchedule.RenewAt(notBefore, Now + lifetime, lifetime);

        Assert.Equal(notBefore + (Now + lifetime - notBefore) * 2 / 3, renewAt);
        Assert.True(renewAt > Now && renewAt < Now + lifetime);
    }

    [Fact]
    public void RenewAt_CertificateFromALongerLifetime_FollowsTheConfiguredOne()
    {
        // A 10-year certificate an earlier agent made, with the lifetime now one year: replaced after 8 months, not 6.7 years.
        var notBefore = Now.AddMinutes(-5);
        var lifetime = TimeSpan.FromHours(8760);

        var renewAt = RenewalSchedule.RenewAt(notBefore, Now.AddYears(10), lifetime);

        Assert.Equal(Now + lifetime * 2 / 3, renewAt);
    }

    [Fact]
    public void RenewAt_Credential_TwoThirdsBetweenIssueAndExpiry()
    {
        Assert.Equal(Now.AddSeconds(20), RenewalSchedule.RenewAt(Now, Now.AddSeconds(30)));
    }
}
