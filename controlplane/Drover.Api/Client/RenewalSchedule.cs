namespace Drover.Api.Client;

/// <summary>
/// When a certificate or credential with a lifetime is replaced while its holder runs: at two thirds of its
/// validity, as kubelet's certificate manager renews (it picks 70–90 %), so a third of the lifetime is left to retry
/// in while the issuer is away. droverd's serving and client certificates, the agent's serving certificate and the
/// agent's node credential all follow this one rule.
/// </summary>
public static class RenewalSchedule
{
    /// <summary>The share of the validity after which the replacement is made.</summary>
    public const double RenewAfter = 2.0 / 3;

    private static readonly TimeSpan MaxBackdate = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How far before its issue a certificate's notBefore is set, for clocks that lag the issuer's: 5 minutes, or a
    /// tenth of a short lifetime (tests use seconds), so that the backdating never eats the lifetime.
    /// </summary>
    public static TimeSpan Backdate(TimeSpan lifetime) =>
        lifetime / 10 < MaxBackdate ? lifetime / 10 : MaxBackdate;

    /// <summary>
    /// When a certificate valid from <paramref name="notBefore"/> to <paramref name="notAfter"/> is due, given the
    /// <paramref name="lifetime"/> configured now: two thirds into its own validity, or two thirds into the configured
    /// lifetime when that is shorter (a certificate from before the lifetime was lowered, e.g. the 10-year ones
    /// earlier agents made, is replaced on the new schedule).
    /// </summary>
    public static DateTimeOffset RenewAt(DateTimeOffset notBefore, DateTimeOffset notAfter, TimeSpan lifetime)
    {
        var own = notBefore + (notAfter - notBefore) * RenewAfter;
        var configured = notBefore + Backdate(lifetime) + lifetime * RenewAfter;
        return own < configured ? own : configured;
    }

    /// <summary>Two thirds into [<paramref name="issued"/>, <paramref name="expires"/>] (a credential with no backdating).</summary>
    public static DateTimeOffset RenewAt(DateTimeOffset issued, DateTimeOffset expires) =>
        issued + (expires - issued) * RenewAfter;
}
