using System.Diagnostics;
using System.Globalization;

namespace Drover.Bench.ApiServer;

/// <summary>Percentiles (nearest rank) of a set of Stopwatch-tick durations, reported in milliseconds.</summary>
internal sealed record Latency(int Count, double P50, double P90, double P99, double P999, double Max, double Mean)
{
    public static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    public static Latency Of(IEnumerable<long> ticks)
    {
        var sorted = ticks.ToArray();
        Array.Sort(sorted);
        if (sorted.Length == 0)
            return new Latency(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        double At(double q) => Ms(sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)]);
        return new Latency(sorted.Length, At(0.50), At(0.90), At(0.99), At(0.999), Ms(sorted[^1]), sorted.Average(t => Ms(t)));
    }

    /// <summary>Writes one duration per line, in microseconds (the raw samples behind a row of the table).</summary>
    public static void WriteSamples(string path, IEnumerable<long> ticks)
    {
        using var writer = new StreamWriter(path);
        foreach (var t in ticks)
            writer.WriteLine((t * 1_000_000 / Stopwatch.Frequency).ToString(CultureInfo.InvariantCulture));
    }

    public static string F(double ms) => double.IsNaN(ms) ? "n/a" : ms.ToString(ms >= 100 ? "0" : ms >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture);
}
