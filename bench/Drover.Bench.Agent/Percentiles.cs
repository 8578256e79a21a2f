using System.Globalization;

namespace Drover.Bench.Agent;

/// <summary>
/// Nearest-rank percentiles of a handful of millisecond samples. With 20 samples p99 is the largest one: the table says
/// so rather than pretending to a tail it did not sample.
/// </summary>
internal sealed record Percentiles(int Count, double Min, double P50, double P90, double P99, double Max, double Mean)
{
    public static Percentiles Of(IReadOnlyCollection<double> ms)
    {
        if (ms.Count == 0)
            return new Percentiles(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        var sorted = ms.Order().ToArray();
        double At(double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new Percentiles(sorted.Length, sorted[0], At(0.50), At(0.90), At(0.99), sorted[^1], sorted.Average());
    }

    public static string F(double ms) =>
        double.IsNaN(ms) ? "n/a" : ms.ToString(ms >= 100 ? "0" : ms >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture);
}
