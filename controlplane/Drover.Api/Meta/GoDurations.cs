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
}
