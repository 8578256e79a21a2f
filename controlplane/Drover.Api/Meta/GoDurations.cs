using System.Globalization;

namespace Drover.Api;

/// <summary>
/// Go's duration syntax as Kubernetes daemons' flags and kubectl take it ("20s", "1m30s", "500ms", "-1.5h"): the one
/// grammar of every duration flag of every binary (droverd, drover-agent, drover-ingress, drover). A bare number other
/// than "0" is no duration (Go's time.ParseDuration refuses it too): "5" could mean seconds or minutes.
/// </summary>
public static class GoDurations
{
    /// <summary>What to write instead, for messages: every refusal says how a duration is written.</summary>
    public const string Examples = "10s, 500ms, 1m30s, 2h";

    /// <summary>
    /// Go's longest duration (2^63-1 ns, about 292 years). Beyond it — or NaN, infinity — is no duration: it used to
    /// throw an OverflowException out of TryParse (found by bench/fuzz, target go-duration).
    /// </summary>
    private const double MaxTicks = long.MaxValue / 100.0;

    private static readonly (string Unit, double Ticks)[] Units =
    [
        ("ns", TimeSpan.TicksPerMillisecond / 1e6), ("us", TimeSpan.TicksPerMillisecond / 1e3), ("µs", TimeSpan.TicksPerMillisecond / 1e3),
        ("μs", TimeSpan.TicksPerMillisecond / 1e3), ("ms", TimeSpan.TicksPerMillisecond), ("s", TimeSpan.TicksPerSecond),
        ("m", TimeSpan.TicksPerMinute), ("h", TimeSpan.TicksPerHour),
    ];

    /// <summary>Parses "1m30s"-style text: an optional sign, then numbers each with a unit (ns, us, µs, ms, s, m, h); "0" alone is zero.</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        var s = text.AsSpan().Trim();
        var negative = false;
        if (s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        if (s is "0")
            return true;
        if (s.IsEmpty)
            return false;
        double ticks = 0;
        while (!s.IsEmpty)
        {
            var digits = 0;
            while (digits < s.Length && (char.IsAsciiDigit(s[digits]) || s[digits] == '.'))
                digits++;
            if (digits == 0 || !double.TryParse(s[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
                return false;
            s = s[digits..];
            var unitLength = 0;
            while (unitLength < s.Length && !char.IsAsciiDigit(s[unitLength]) && s[unitLength] != '.')
                unitLength++;
            var unit = s[..unitLength];
            var match = -1;
            for (var i = 0; i < Units.Length && match < 0; i++)
                if (unit.SequenceEqual(Units[i].Unit))
                    match = i;
            if (match < 0)
                return false;
            ticks += number * Units[match].Ticks;
            if (!(ticks <= MaxTicks))
                return false;
            s = s[unitLength..];
        }
        duration = TimeSpan.FromTicks((long)Math.Round(ticks));
        if (negative)
            duration = -duration;
        return true;
    }

    /// <summary>
    /// Reads a flag's value: null and the duration when it parses and is in range, else why not, as a phrase to put
    /// after the value ("is not a duration (e.g. 10s, 500ms, 1m30s, 2h)"). Each binary wraps the phrase in its own
    /// error shape (flag name, exception type).
    /// </summary>
    public static string? ParseFlag(string? text, bool mayBeZero, out TimeSpan duration)
    {
        if (!TryParse(text, out duration))
        {
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
                ? $"is a bare number, not a duration: write it with a unit (e.g. {text?.Trim()}s; {Examples})"
                : $"is not a duration (e.g. {Examples})";
        }
        if (duration < TimeSpan.Zero)
            return "must not be negative";
        if (duration == TimeSpan.Zero && !mayBeZero)
            return "must be longer than zero";
        return null;
    }

    /// <summary>
    /// Go's Duration.String to the millisecond: "1h0m0s", "1m30s", "1.5s", "500ms", "0s", as kubectl's messages and
    /// metrics.k8s.io's windows print durations.
    /// </summary>
    public static string Format(TimeSpan duration)
    {
        var ms = (long)Math.Round(duration.TotalMilliseconds);
        if (ms == 0)
            return "0s";
        var sign = ms < 0 ? "-" : "";
        ms = Math.Abs(ms);
        if (ms < 1000)
            return string.Create(CultureInfo.InvariantCulture, $"{sign}{ms}ms");
        var hours = ms / 3_600_000;
        var minutes = ms / 60_000 % 60;
        var seconds = ms % 60_000 / 1000.0;
        var text = string.Create(CultureInfo.InvariantCulture, $"{seconds:0.###}s");
        if (hours > 0)
            return string.Create(CultureInfo.InvariantCulture, $"{sign}{hours}h{minutes}m{text}");
        return minutes > 0 ? string.Create(CultureInfo.InvariantCulture, $"{sign}{minutes}m{text}") : sign + text;
    }
}
