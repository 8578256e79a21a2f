using System.Globalization;

namespace Drover.Api;

/// <summary>Go's duration syntax as Kubernetes daemons' flags take it ("20s", "1m30s", "500ms"), shared by every daemon's flags.</summary>
public static class GoDurations
{
    /// <summary>
    /// Go's longest duration (2^63-1 ns, about 292 years). Beyond it — or NaN, infinity — is no duration: it used to
    /// throw an OverflowException out of TryParse (found by bench/fuzz, target go-duration).
    /// </summary>
    private const double MaxSeconds = long.MaxValue / 1e9;

    /// <summary>Parses "1m30s"-style text (units ms, s, m, h) or a bare non-negative number of seconds.</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        var rest = text.Trim().AsSpan();
        if (double.TryParse(rest, NumberStyles.Float, CultureInfo.InvariantCulture, out var bare))
        {
            if (!(bare is >= 0 and <= MaxSeconds))
                return false;
            duration = TimeSpan.FromSeconds(bare);
            return true;
        }
        var total = 0.0;
        while (!rest.IsEmpty)
        {
            var digits = 0;
            while (digits < rest.Length && (char.IsAsciiDigit(rest[digits]) || rest[digits] == '.'))
                digits++;
            var units = digits;
            while (units < rest.Length && char.IsAsciiLetter(rest[units]))
                units++;
            if (digits == 0 || units == digits || !double.TryParse(rest[..digits], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                return false;
            double? unitSeconds = rest[digits..units] switch
            {
                "ms" => 0.001,
                "s" => 1,
                "m" => 60,
                "h" => 3600,
                _ => null,
            };
            total += value * unitSeconds.GetValueOrDefault();
            if (unitSeconds is null || !(total <= MaxSeconds))
                return false;
            TimeSpan part = unitSeconds switch
            {
                0.001 => TimeSpan.FromMilliseconds(value),
                1 => TimeSpan.FromSeconds(value),
                60 => TimeSpan.FromMinutes(value),
                _ => TimeSpan.FromHours(value),
            };
            duration += part;
            rest = rest[units..];
        }
        return true;
    }

    /// <summary>Go's Duration.String() to the millisecond: "15s", "1.5s", "1m30s", "500ms", "0s".</summary>
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
