using System.Globalization;
using System.Text;

namespace Drover.Agent.Metrics;

/// <summary>
/// A histogram family: per series, cumulative counts of observations at or below each upper bound (le), their
/// sum and their count, written as name_bucket{…,le="…"}, name_sum and name_count.
/// </summary>
internal sealed class Histogram : MetricFamily<Histogram.Child>
{
    private readonly double[] _bounds;
    private readonly string[] _leLabels;

    public Histogram(string name, string help, double[] buckets, params string[] labelNames)
        : base(name, help, "histogram", labelNames)
    {
        ArgumentNullException.ThrowIfNull(buckets);
        if (buckets.Length == 0 || buckets.Zip(buckets.Skip(1)).Any(p => p.First >= p.Second))
            throw new ArgumentException("bucket bounds must be given and ascending", nameof(buckets));
        _bounds = buckets;
        _leLabels = [.. buckets.Select(b => $"le=\"{b.ToString("R", CultureInfo.InvariantCulture)}\""), "le=\"+Inf\""];
    }

    public void Observe(double value) => Unlabelled.Observe(value);

    protected override Child NewChild() => new(this);

    internal sealed class Child : IMetricChild
    {
        private readonly Histogram _family;
        private long[]? _counts;
        private AtomicDouble _sum;
        private long _count;

        public Child(Histogram family) => _family = family;

        /// <summary>
        /// Counts per bucket (not cumulative; the last one is +Inf). Made on first use: the base constructor makes the
        /// unlabelled child before this family's bounds are set.
        /// </summary>
        private long[] Counts => _counts ?? Interlocked.CompareExchange(ref _counts, new long[_family._bounds.Length + 1], null) ?? _counts!;

        public void Observe(double value)
        {
            var bounds = _family._bounds;
            var i = 0;
            while (i < bounds.Length && value > bounds[i])
                i++;
            Interlocked.Increment(ref Counts[i]);
            _sum.Add(value);
            Interlocked.Increment(ref _count);
        }

        public void WriteTo(StringBuilder text, string name, string labels)
        {
            var counts = Counts;
            long cumulative = 0;
            for (var i = 0; i < counts.Length; i++)
            {
                cumulative += Interlocked.Read(ref counts[i]);
                PrometheusText.AppendSample(text, name + "_bucket", labels, cumulative, _family._leLabels[i]);
            }

            PrometheusText.AppendSample(text, name + "_sum", labels, _sum.Value);
            PrometheusText.AppendSample(text, name + "_count", labels, Interlocked.Read(ref _count));
        }
    }
}
