using System.Globalization;

namespace Drover.Api;

/// <summary>
/// A CronJob schedule as Kubernetes reads it (robfig/cron's ParseStandard): five fields — minute, hour, day of
/// month, month, day of week — each <c>*</c>, <c>?</c> (day fields), a number or name (JAN–DEC, SUN–SAT), a range
/// <c>a-b</c>, a step <c>*/n</c>, <c>a/n</c> or <c>a-b/n</c>, or a comma list of these; or a macro (@yearly,
/// @annually, @monthly, @weekly, @daily, @midnight, @hourly, @every DURATION). When both day fields are
/// restricted a day matching either runs (Vixie cron). Parsing is bounded: at most <see cref="MaxLength"/>
/// characters, every number within its field's range; nothing recurses.
/// </summary>
public sealed class CronSchedule
{
    public const int MaxLength = 256;

    /// <summary>How far <see cref="Next"/> looks before saying never (Feb 30 never comes).</summary>
    private const int SearchYears = 5;

    private static readonly string[] MonthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private readonly ulong _minutes;
    private readonly ulong _hours;
    private readonly ulong _daysOfMonth;
    private readonly ulong _months;
    private readonly ulong _daysOfWeek;
    private readonly bool _dayOfMonthStar;
    private readonly bool _dayOfWeekStar;
    private readonly TimeSpan? _every;

    private CronSchedule(ulong minutes, ulong hours, ulong daysOfMonth, ulong months, ulong daysOfWeek, bool domStar, bool dowStar)
    {
        _minutes = minutes;
        _hours = hours;
        _daysOfMonth = daysOfMonth;
        _months = months;
        _daysOfWeek = daysOfWeek;
        _dayOfMonthStar = domStar;
        _dayOfWeekStar = dowStar;
    }

    private CronSchedule(TimeSpan every) => _every = every;

    /// <summary>The fixed interval of an @every schedule; null for a calendar schedule.</summary>
    public TimeSpan? Interval => _every;

    public static CronSchedule Parse(string text) =>
        TryParse(text, out var schedule, out var error) ? schedule : throw new FormatException(error);

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says what is wrong, in robfig's words where it has them.</summary>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CronSchedule? schedule, out string error)
    {
        schedule = null;
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "empty spec string";
            return false;
        }
        if (text.Length > MaxLength)
        {
            error = $"must be no more than {MaxLength} characters";
            return false;
        }
        var spec = text.Trim();
        if (spec.StartsWith("TZ=", StringComparison.Ordinal) || spec.StartsWith("CRON_TZ=", StringComparison.Ordinal))
        {
            error = "cannot use TZ or CRON_TZ in schedule, use timeZone field instead";
            return false;
        }
        if (spec[0] == '@')
            return TryParseMacro(spec, out schedule, out error);

        var fields = spec.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 5)
        {
            error = $"expected exactly 5 fields, found {fields.Length}: {spec}";
            return false;
        }
        if (!TryField(fields[0], 0, 59, null, out var minutes, out _, out error)
            || !TryField(fields[1], 0, 23, null, out var hours, out _, out error)
            || !TryField(fields[2], 1, 31, null, out var days, out var domStar, out error)
            || !TryField(fields[3], 1, 12, MonthNames, out var months, out _, out error)
            || !TryField(fields[4], 0, 6, DayNames, out var weekdays, out var dowStar, out error))
            return false;
        schedule = new CronSchedule(minutes, hours, days, months, weekdays, domStar, dowStar);
        return true;
    }

    /// <summary>The first time strictly after <paramref name="after"/> (at minute precision) in <paramref name="zone"/>; null when none within five years.</summary>
    public DateTimeOffset? Next(DateTimeOffset after, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (_every is { } every)
        {
            var seconds = new DateTimeOffset(after.UtcTicks - after.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
            return seconds + every;
        }

        // Walk local wall-clock time field by field (robfig's algorithm): a field that does not match moves to the
        // next value of it and resets the smaller ones, so a year is a few hundred steps, not half a million minutes.
        var local = TimeZoneInfo.ConvertTime(after, zone).DateTime;
        var t = new DateTime(local.Year, local.Month, local.Day, local.Hour, local.Minute, 0, DateTimeKind.Unspecified).AddMinutes(1);
        var limit = t.AddYears(SearchYears);
        while (t < limit)
        {
            if (!Has(_months, t.Month))
            {
                t = new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Unspecified).AddMonths(1);
                continue;
            }
            if (!DayMatches(t))
            {
                t = t.Date.AddDays(1);
                continue;
            }
            if (!Has(_hours, t.Hour))
            {
                t = t.Date.AddHours(t.Hour + 1);
                continue;
            }
            if (!Has(_minutes, t.Minute))
            {
                t = t.AddMinutes(1);
                continue;
            }
            // A wall time the clock skips (spring forward) does not happen that day; an ambiguous one runs once.
            if (zone.IsInvalidTime(t))
            {
                t = t.AddMinutes(1);
                continue;
            }
            var utc = TimeZoneInfo.ConvertTimeToUtc(t, zone);
            var at = new DateTimeOffset(utc, TimeSpan.Zero);
            if (at > after)
                return at;
            t = t.AddMinutes(1);
        }
        return null;
    }

    private bool DayMatches(DateTime t)
    {
        var dom = Has(_daysOfMonth, t.Day);
        var dow = Has(_daysOfWeek, (int)t.DayOfWeek);
        return _dayOfMonthStar || _dayOfWeekStar ? dom && dow : dom || dow;
    }

    private static bool Has(ulong bits, int value) => (bits & (1UL << value)) != 0;

    private static bool TryParseMacro(string spec, out CronSchedule? schedule, out string error)
    {
        schedule = null;
        error = "";
        const string every = "@every ";
        if (spec.StartsWith(every, StringComparison.Ordinal))
        {
            if (!GoDurations.TryParse(spec[every.Length..].Trim(), out var interval) || interval <= TimeSpan.Zero)
            {
                error = $"failed to parse duration {spec}";
                return false;
            }
            // robfig rounds down to the second and runs at least every second.
            interval = TimeSpan.FromSeconds(Math.Max(1, Math.Floor(interval.TotalSeconds)));
            schedule = new CronSchedule(interval);
            return true;
        }
        var expanded = spec switch
        {
            "@yearly" or "@annually" => "0 0 1 1 *",
            "@monthly" => "0 0 1 * *",
            "@weekly" => "0 0 * * 0",
            "@daily" or "@midnight" => "0 0 * * *",
            "@hourly" => "0 * * * *",
            _ => null,
        };
        if (expanded is null)
        {
            error = $"unrecognized descriptor: {spec}";
            return false;
        }
        return TryParse(expanded, out schedule, out error);
    }

    private static bool TryField(string field, int min, int max, string[]? names, out ulong bits, out bool star, out string error)
    {
        bits = 0;
        star = false;
        error = "";
        foreach (var part in field.Split(','))
        {
            if (!TryRange(part, min, max, names, out var partBits, out var partStar, out error))
                return false;
            bits |= partBits;
            star |= partStar;
        }
        return true;
    }

    private static bool TryRange(string expr, int min, int max, string[]? names, out ulong bits, out bool star, out string error)
    {
        bits = 0;
        star = false;
        error = "";
        var slash = expr.IndexOf('/', StringComparison.Ordinal);
        var rangePart = slash < 0 ? expr : expr[..slash];
        int start, end, step = 1;
        if (rangePart is "*" or "?")
        {
            (start, end) = (min, max);
            star = slash < 0;
        }
        else
        {
            var dash = rangePart.IndexOf('-', StringComparison.Ordinal);
            if (!TryValue(dash < 0 ? rangePart : rangePart[..dash], min, max, names, out start, out error))
                return false;
            if (dash < 0)
            {
                // "a/n" runs from a to the end of the field.
                end = slash < 0 ? start : max;
            }
            else if (!TryValue(rangePart[(dash + 1)..], min, max, names, out end, out error))
            {
                return false;
            }
        }
        if (slash >= 0)
        {
            var stepText = expr[(slash + 1)..];
            if (!int.TryParse(stepText, NumberStyles.None, CultureInfo.InvariantCulture, out step) || step <= 0)
            {
                error = $"failed to parse int from {stepText}: step must be a positive number";
                return false;
            }
            if (step > max - min + 1)
            {
                error = $"step of range ({step}) must be at most the field's span ({max - min + 1}): {expr}";
                return false;
            }
        }
        if (start > end)
        {
            error = $"beginning of range ({start}) beyond end of range ({end}): {expr}";
            return false;
        }
        for (var v = start; v <= end; v += step)
            bits |= 1UL << v;
        return true;
    }

    private static bool TryValue(string text, int min, int max, string[]? names, out int value, out string error)
    {
        error = "";
        if (names is not null)
        {
            var index = Array.FindIndex(names, n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
            if (index >= 0)
            {
                value = index + min;
                return true;
            }
        }
        if (text.Length == 0 || text.Length > 4 || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value))
        {
            value = 0;
            error = $"failed to parse int from {text}";
            return false;
        }
        if (value < min || value > max)
        {
            error = value < min ? $"{text} is below the field's minimum ({min})" : $"{text} is above the field's maximum ({max})";
            return false;
        }
        return true;
    }
}
