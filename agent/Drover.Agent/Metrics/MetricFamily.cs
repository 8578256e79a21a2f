using System.Collections.Concurrent;
using System.Text;

namespace Drover.Agent.Metrics;

/// <summary>
/// One metric family of the Prometheus text format (0.0.4): a name, its help, its type and one child per set of
/// label values. Our own instead of prometheus-net: the agent needs counters, gauges and histograms with a few
/// fixed label sets, and the library (registry, collectors, exporters, HttpListener) weighed on a binary that must stay
/// under 15 MB (with the console logger it went too: −1.07 MiB). Children live for the process: the label sets are
/// bounded by design (phases, CRI methods, probe kinds; never pod names).
/// </summary>
internal abstract class MetricFamily<TChild> : IMetricFamily
    where TChild : class, IMetricChild
{
    private readonly string[] _labelNames;
    private readonly ConcurrentDictionary<string, (string Labels, TChild Child)> _children = new(StringComparer.Ordinal);
    private readonly TChild? _unlabelled;

    protected MetricFamily(string name, string help, string type, string[] labelNames)
    {
        Name = name;
        Help = help;
        Type = type;
        _labelNames = labelNames;
        // As prometheus-net: a family without labels shows its one series (0) from the start; a labelled one shows
        // the children made so far.
        if (labelNames.Length == 0)
            _unlabelled = NewChild();
        MetricRegistry.Add(this);
    }

    public string Name { get; }

    public string Help { get; }

    public string Type { get; }

    /// <summary>The series without labels (only for a family declared without label names).</summary>
    protected TChild Unlabelled => _unlabelled ?? throw new InvalidOperationException($"{Name} has labels: use WithLabels");

    /// <summary>The child for these label values (made on first use); the values come in the order of the label names.</summary>
    public TChild WithLabels(params string[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != _labelNames.Length)
            throw new ArgumentException($"{Name} takes {_labelNames.Length} label values, not {values.Length}", nameof(values));
        var key = string.Join('\u0001', values);
        if (_children.TryGetValue(key, out var known))
            return known.Child;
        return _children.GetOrAdd(key, _ => (FormatLabels(values), NewChild())).Child;
    }

    protected abstract TChild NewChild();

    public void WriteTo(StringBuilder text)
    {
        PrometheusText.AppendHeader(text, Name, Help, Type);
        if (_unlabelled is not null)
        {
            _unlabelled.WriteTo(text, Name, "");
            return;
        }

        // Sorted, so that a series keeps its place from one scrape to the next.
        foreach (var (_, (labels, child)) in _children.OrderBy(c => c.Key, StringComparer.Ordinal))
            child.WriteTo(text, Name, labels);
    }

    /// <summary>name="value",… without braces; values escaped as the format wants (backslash, quote, newline).</summary>
    private string FormatLabels(string[] values)
    {
        var text = new StringBuilder();
        for (var i = 0; i < values.Length; i++)
        {
            if (i > 0)
                text.Append(',');
            text.Append(_labelNames[i]).Append("=\"");
            PrometheusText.AppendEscaped(text, values[i], escapeQuote: true);
            text.Append('"');
        }

        return text.ToString();
    }
}
