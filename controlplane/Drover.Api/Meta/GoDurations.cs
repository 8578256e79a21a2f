using System.Globalization;

namespace Drover.Api;

/// <summary>Go's duration syntax as Kubernetes daemons' flags take it ("20s", "1m30s", "500ms"), shared by every daemon's flags.</summary>
public static class GoDurations
{
    /// <summary>Parses "1m30s"-style text (units ms, s, m, h) or a bare non-negative number of seconds.</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        var rest = text.Trim().AsSpan();
        if (double.TryParse(rest, NumberStyles.Float, CultureInfo.InvariantCulture, out var bare))
        {
            duration = TimeSpan.FromSeconds(bare);
            return bare >= 0;
        }
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
            TimeSpan? part = rest[digits..units] switch
            {
                "ms" => TimeSpan.FromMilliseconds(value),
                "s" => TimeSpan.FromSeconds(value),
                "m" => TimeSpan.FromMinutes(value),
                "h" => TimeSpan.FromHours(value),
                _ => null,
            };
            if (part is null)
                return false;
            duration += part.Value;
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
