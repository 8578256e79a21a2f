using Drover.Api;

namespace Drover.Cli.Arguments;

/// <summary>
/// kubectl's --timeout flags in the grammar every Drover binary shares (<see cref="GoDurations"/>: "30s", "1m30s",
/// "500ms", "2h"); scripts written for kubectl pass these strings unchanged.
/// </summary>
internal static class GoDuration
{
    /// <summary>Parses <paramref name="text"/> for option <paramref name="option"/>; "0" and an absent value are zero (no limit).</summary>
    public static TimeSpan Parse(string? text, string option)
    {
        if (string.IsNullOrWhiteSpace(text))
            return TimeSpan.Zero;
        if (GoDurations.ParseFlag(text, mayBeZero: true, out var value) is { } problem)
            throw new CliException($"error: invalid value \"{text}\" for {option}: {problem} (0 means no limit)");
        return value;
    }
}
