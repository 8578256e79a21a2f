using System.Globalization;

namespace Drover.Api;

/// <summary>
/// Go's time.RFC3339Nano as Kubernetes and the runtime write it ("2026-01-02T15:04:05Z", "…05.123456789+02:00"): strict,
/// no other shapes. Digits past the seventh of a fraction are dropped (DateTimeOffset keeps 100 ns).
/// </summary>
public static class Rfc3339
{
    /// <summary>Longest accepted text: a date, a time with nine fractional digits and an offset.</summary>
    public const int MaxLength = 35;

    public static bool TryParse(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        value = default;
        if (text.Length is < 20 or > MaxLength || text[4] != '-' || text[7] != '-' || (text[10] | 0x20) != 't' || text[13] != ':' || text[16] != ':')
            return false;
        if (!Digits(text[..4], out var year) || !Digits(text[5..7], out var month) || !Digits(text[8..10], out var day)
            || !Digits(text[11..13], out var hour) || !Digits(text[14..16], out var minute) || !Digits(text[17..19], out var second))
            return false;
        var rest = text[19..];
        long ticks = 0;
        if (rest[0] == '.')
        {
            var digits = 1;
            while (digits < rest.Length && char.IsAsciiDigit(rest[digits]))
                digits++;
            if (digits is 1 or > 10)
                return false;
            var fraction = rest[1..digits];
            for (var i = 0; i < 7; i++)
                ticks = (ticks * 10) + (i < fraction.Length ? fraction[i] - '0' : 0);
            rest = rest[digits..];
        }
        TimeSpan offset;
        if (rest.Length == 1 && (rest[0] | 0x20) == 'z')
            offset = TimeSpan.Zero;
        else if (rest.Length == 6 && rest[0] is '+' or '-' && rest[3] == ':' && Digits(rest[1..3], out var oh) && Digits(rest[4..6], out var om) && oh < 24 && om < 60)
            offset = new TimeSpan(rest[0] == '-' ? -oh : oh, rest[0] == '-' ? -om : om, 0);
        else
            return false;
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(year, 1), month) || year < 1 || hour > 23 || minute > 59 || second > 59)
            return false;
        try
        {
            value = new DateTimeOffset(year, month, day, hour, minute, second, offset).AddTicks(ticks);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            // Near year 1 or 9999 the offset takes the time out of DateTimeOffset's range.
            return false;
        }
    }

    /// <summary>
    /// The time in UTC as Kubernetes writes it: whole seconds (metav1.Time's wire form), or with seven fractional digits
    /// (all DateTimeOffset keeps) where nothing may be lost, as when droverd passes a client's time on to the agent.
    /// </summary>
    public static string FormatUtc(DateTimeOffset time, bool fraction = false) =>
        time.UtcDateTime.ToString(fraction ? "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'" : "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static bool Digits(ReadOnlySpan<char> text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
