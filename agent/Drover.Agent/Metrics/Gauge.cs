using System.Text;

namespace Drover.Agent.Metrics;

/// <summary>A gauge family: series set to the current value of something.</summary>
internal sealed class Gauge : MetricFamily<Gauge.Child>
{
    public Gauge(string name, string help, params string[] labelNames)
        : base(name, help, "gauge", labelNames)
    {
    }

    public double Value => Unlabelled.Value;

    public void Set(double value) => Unlabelled.Set(value);

    protected override Child NewChild() => new();

    internal sealed class Child : IMetricChild
    {
        private AtomicDouble _value;

        public double Value => _value.Value;

        public void Set(double value) => _value.Set(value);

        public void WriteTo(StringBuilder text, string name, string labels) => PrometheusText.AppendSample(text, name, labels, Value);
    }
}
