using System.Text;

namespace Drover.Agent.Metrics;

/// <summary>Every metric family of the process, in the order they were made; <see cref="WriteText"/> is one scrape.</summary>
internal static class MetricRegistry
{
    private static readonly List<IMetricFamily> Families = [];

    public static void Add(IMetricFamily family)
    {
        ArgumentNullException.ThrowIfNull(family);
        lock (Families)
        {
            if (Families.Any(f => f.Name == family.Name))
                throw new InvalidOperationException($"metric {family.Name} is already registered");
            Families.Add(family);
        }
    }

    /// <summary>The exposition (text format 0.0.4): our families, then the process's own figures.</summary>
    public static string WriteText()
    {
        var text = new StringBuilder(8 * 1024);
        lock (Families)
        {
            foreach (var family in Families)
                family.WriteTo(text);
        }

        ProcessMetrics.WriteTo(text);
        return text.ToString();
    }
}
