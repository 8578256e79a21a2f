using System.Globalization;
using System.Text;

namespace Drover.Cli.Arguments;

/// <summary>
/// Go's duration syntax ("30s", "1m30s", "500ms", "2h"), which kubectl's --timeout flags take; scripts written
/// for kubectl pass these strings unchanged.
/// </summary>
internal static class GoDuration
{
    private static readonly (string Unit, double Ticks)[] Units =
    [
        ("ns", TimeSpan.TicksPerMillisecond / 1e6), ("us", TimeSpan.TicksPerMillisecond / 1e3), ("µs", TimeSpan.TicksPerMillisecond / 1e3),
        ("ms", TimeSpan.TicksPerMillisecond), ("s", TimeSpan.TicksPerSecond), ("m", TimeSpan.TicksPerMinute), ("h", TimeSpan.TicksPerHour),
    ];

    /// <summary>Parses <paramref name="text"/> for option <paramref name="option"/>; "0" and an absent value are zero (no limit).</summary>
    public static TimeSpan Parse(string? text, string option)
    {
        if (string.IsNullOrWhiteSpace(text) || text == "0")
            return TimeSpan.Zero;
        if (!TryParse(text, out var value))
            throw new CliException($"error: invalid value \"{text}\" for {option}: expected a duration such as 30s, 5m or 1h30m (0 means no limit)");
        if (value < TimeSpan.Zero)
            throw new CliException($"error: invalid value \"{text}\" for {option}: must not be negative");
        return value;
    }

    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var s = text.AsSpan().Trim();
        var negative = false;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        if (s.Length == 0)
            return false;
        double ticks = 0;
        while (s.Length > 0)
        {
            var numberLength = 0;
            while (numberLength < s.Length && (char.IsAsciiDigit(s[numberLength]) || s[numberLength] == '.'))
                numberLength++;
            if (numberLength == 0 || !double.TryParse(s[..numberLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
                return false;
            s = s[numberLength..];
            var unitLength = 0;
            while (unitLength < s.Length && !char.IsAsciiDigit(s[unitLength]) && s[unitLength] != '.')
                unitLength++;
            var unit = s[..unitLength].ToString();
            var match = Array.FindIndex(Units, u => u.Unit == unit);
            if (match < 0)
                return false;
            ticks += number * Units[match].Ticks;
            s = s[unitLength..];
        }
        if (ticks > TimeSpan.MaxValue.Ticks)
            return false;
        value = TimeSpan.FromTicks((long)ticks);
        if (negative)
            value = -value;
        return true;
    }

    /// <summary>Go's Duration.String: "1h0m0s", "1m30s", "1.5s", "500ms", as kubectl's messages print durations.</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
            return "0s";
        var sb = new StringBuilder();
        if (value < TimeSpan.Zero)
        {
            sb.Append('-');
            value = value.Duration();
        }
        if (value < TimeSpan.FromSeconds(1))
            return sb.Append(value.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture)).Append("ms").ToString();
        var hours = (long)value.TotalHours;
        if (hours > 0)
            sb.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        if (hours > 0 || value.Minutes > 0)
            sb.Append(value.Minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        var seconds = value.Seconds + (value.Ticks % TimeSpan.TicksPerSecond) / (double)TimeSpan.TicksPerSecond;
        return sb.Append(seconds.ToString("0.#########", CultureInfo.InvariantCulture)).Append('s').ToString();
    }
}
