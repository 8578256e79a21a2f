using System.Globalization;

namespace Drover.Api.Printing;

/// <summary>
/// Kubernetes' duration.HumanDuration (apimachinery/pkg/util/duration): the AGE column. More precision
/// while a thing is young (5m10s), less as it ages (3h, 2d), so columns stay narrow and comparable with kubectl.
/// </summary>
public static class HumanDuration
{
    public static string Format(TimeSpan d)
    {
        var seconds = (long)Math.Truncate(d.TotalSeconds);
        // Up to a second of clock skew between client and server still reads as "now".
        if (seconds < -1)
            return "<invalid>";
        if (seconds < 0)
            return "0s";
        if (seconds < 60 * 2)
            return S(seconds, "s");
        var minutes = seconds / 60;
        if (minutes < 10)
        {
            var s = seconds % 60;
            return s == 0 ? S(minutes, "m") : S(minutes, "m") + S(s, "s");
        }
        if (minutes < 60 * 3)
            return S(minutes, "m");
        var hours = minutes / 60;
        if (hours < 8)
        {
            var m = minutes % 60;
            return m == 0 ? S(hours, "h") : S(hours, "h") + S(m, "m");
        }
        if (hours < 48)
            return S(hours, "h");
        if (hours < 24 * 8)
        {
            var h = hours % 24;
            return h == 0 ? S(hours / 24, "d") : S(hours / 24, "d") + S(h, "h");
        }
        if (hours < 24 * 365 * 2)
            return S(hours / 24, "d");
        if (hours < 24 * 365 * 8)
        {
            var dy = hours / 24 % 365;
            return dy == 0 ? S(hours / 24 / 365, "y") : S(hours / 24 / 365, "y") + S(dy, "d");
        }
        return S(hours / 24 / 365, "y");
    }

    /// <summary>kubectl's translateTimestampSince: "&lt;unknown&gt;" for a missing timestamp.</summary>
    public static string Since(DateTimeOffset? timestamp, DateTimeOffset now) =>
        timestamp is { } t ? Format(now - t) : "<unknown>";

    private static string S(long value, string unit) => value.ToString(CultureInfo.InvariantCulture) + unit;
}
