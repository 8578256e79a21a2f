using System.Globalization;

namespace Drover.Agent.Node.Tests;

/// <summary>A scraped Prometheus text exposition, read by series ("name" or "name{labels}" exactly as exposed).</summary>
public sealed class MetricsText
{
    private readonly Dictionary<string, double> _series = new(StringComparer.Ordinal);

    private MetricsText(string text)
    {
        Text = text;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }

            var space = line.LastIndexOf(' ');
            if (space > 0 && double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                _series[line[..space]] = value;
            }
        }
    }

    public string Text { get; }

    public static async Task<MetricsText> ScrapeAsync(HttpClient http, Uri url)
    {
        ArgumentNullException.ThrowIfNull(http);
        return new MetricsText(await http.GetStringAsync(url));
    }

    /// <summary>The series' value; a missing series fails the test with the whole scrape.</summary>
    public double Value(string series) =>
        _series.TryGetValue(series, out var value) ? value : throw new Xunit.Sdk.XunitException($"no series {series} in the scrape:\n{Text}");

    public bool Has(string series) => _series.ContainsKey(series);
}
