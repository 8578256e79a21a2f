using System.Text;

namespace Drover.Agent.Metrics;

/// <summary>A counter family: series that only go up.</summary>
internal sealed class Counter : MetricFamily<Counter.Child>
{
    public Counter(string name, string help, params string[] labelNames)
        : base(name, help, "counter", labelNames)
    {
    }

    /// <summary>The value of the unlabelled series.</summary>
    public double Value => Unlabelled.Value;

    /// <summary>Adds to the unlabelled series.</summary>
    public void Inc(double by = 1) => Unlabelled.Inc(by);

    protected override Child NewChild() => new();

    internal sealed class Child : IMetricChild
    {
        private AtomicDouble _value;

        public double Value => _value.Value;

        public void Inc(double by = 1)
        {
            if (by < 0)
                throw new ArgumentOutOfRangeException(nameof(by), by, "a counter only goes up");
            _value.Add(by);
        }

        public void WriteTo(StringBuilder text, string name, string labels) => PrometheusText.AppendSample(text, name, labels, Value);
    }
}
