using System.Globalization;
using System.Text;
using Drover.Api.Client;

namespace Drover.Bench.HollowNodes;

/// <summary>
/// droverd's own view of its request latency: drover_apiserver_request_duration_seconds (every verb and resource,
/// watches excluded) summed over its labels. Two scrapes give the histogram of the requests in between; a percentile
/// is the upper bound of the bucket it falls in, so it is coarse (buckets 0.5, 1, 2.5, 5, 10, 25, 50, 100 ms, …).
/// </summary>
internal sealed record ServerLatency(SortedDictionary<double, double> Cumulative)
{
    private const string Bucket = "drover_apiserver_request_duration_seconds_bucket{";

    public double Count => Cumulative.Count == 0 ? 0 : Cumulative[double.PositiveInfinity];

    public static async Task<ServerLatency> ScrapeAsync(DroverClient admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        var text = Encoding.UTF8.GetString(await admin.GetRawAsync("/metrics").ConfigureAwait(false));
        var sums = new SortedDictionary<double, double>();
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(Bucket, StringComparison.Ordinal))
                continue;
            var le = line.IndexOf("le=\"", StringComparison.Ordinal) + 4;
            var bound = line[le..line.IndexOf('"', le)];
            var key = bound == "+Inf" ? double.PositiveInfinity : double.Parse(bound, CultureInfo.InvariantCulture);
            var value = double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            sums[key] = sums.GetValueOrDefault(key) + value;
        }
        return new ServerLatency(sums);
    }

    public ServerLatency Minus(ServerLatency earlier)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        return new ServerLatency(new SortedDictionary<double, double>(Cumulative.ToDictionary(kv => kv.Key, kv => kv.Value - earlier.Cumulative.GetValueOrDefault(kv.Key))));
    }

    /// <summary>The bucket bound (ms) at or below which a fraction <paramref name="q"/> of the requests finished.</summary>
    public double QuantileMs(double q)
    {
        var target = q * Count;
        foreach (var (bound, count) in Cumulative)
            if (count >= target)
                return bound * 1000;
        return double.PositiveInfinity;
    }
}
