using System.Text.Json;
using System.Text.RegularExpressions;
using Drover.Testing;

namespace Drover.Packaging.Prometheus.Tests;

/// <summary>
/// packaging/prometheus/grafana-dashboard.json: valid for Grafana's importer, and every metric it queries is one the
/// real Prometheus scraped from this cluster's droverd, agent and ingress — so a renamed metric fails here, not in
/// an operator's empty panel.
/// </summary>
[Collection(PrometheusClusterCollection.Name)]
[Trait("Category", "Process")]
public sealed partial class GrafanaDashboardTests(PrometheusClusterFixture fixture)
{
    /// <summary>Series Prometheus makes itself for every target, not exported by Drover's code.</summary>
    private static readonly HashSet<string> PrometheusOwn = ["up"];

    private static string DashboardPath => Path.Combine(RepoPaths.Root, "packaging", "prometheus", "grafana-dashboard.json");

    [Fact]
    public void Dashboard_Json_ImportableShape()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(DashboardPath));
        var root = json.RootElement;
        Assert.False(string.IsNullOrEmpty(root.GetProperty("title").GetString()));
        Assert.Matches("^[a-zA-Z0-9_-]{1,40}$", root.GetProperty("uid").GetString());
        Assert.True(root.GetProperty("schemaVersion").GetInt32() >= 30);
        Assert.Contains(root.GetProperty("templating").GetProperty("list").EnumerateArray(),
            v => v.GetProperty("type").GetString() == "datasource" && v.GetProperty("query").GetString() == "prometheus");

        var panels = Panels(root).ToList();
        Assert.NotEmpty(panels);
        Assert.Equal(panels.Count, panels.Select(p => p.GetProperty("id").GetInt32()).Distinct().Count());
        foreach (var panel in panels)
        {
            var grid = panel.GetProperty("gridPos");
            Assert.InRange(grid.GetProperty("x").GetInt32() + grid.GetProperty("w").GetInt32(), 1, 24);
            if (panel.GetProperty("type").GetString() == "row")
                continue;
            var targets = panel.GetProperty("targets").EnumerateArray().ToList();
            Assert.NotEmpty(targets);
            Assert.Equal(targets.Count, targets.Select(t => t.GetProperty("refId").GetString()).Distinct().Count());
            Assert.All(targets, t => Assert.False(string.IsNullOrWhiteSpace(t.GetProperty("expr").GetString()), panel.GetProperty("title").GetString()));
        }
    }

    [Fact]
    public async Task Dashboard_EveryQueriedMetric_ScrapedFromDrover()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(DashboardPath));
        var queried = Panels(json.RootElement)
            .Where(p => p.GetProperty("type").GetString() != "row")
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => (Title: p.GetProperty("title").GetString()!, Expr: t.GetProperty("expr").GetString()!)))
            .ToList();

        // Prometheus' own index of what it ingested; scrapes run every second, so the names of the traffic the fixture
        // sent are there once each job has been scraped a few times.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        List<string> missing;
        HashSet<string> scraped;
        do
        {
            var names = await fixture.Prometheus.ApiAsync("/api/v1/label/__name__/values");
            scraped = [.. names.EnumerateArray().Select(n => n.GetString()!)];
            missing = [.. queried.SelectMany(q => MetricNames(q.Expr).Where(n => !scraped.Contains(n)).Select(n => $"{q.Title}: {n}")).Distinct()];
            if (missing.Count == 0)
                break;
            await Task.Delay(500);
        }
        while (DateTime.UtcNow < deadline);

        Assert.True(missing.Count == 0, $"dashboard metrics never scraped from Drover:\n{string.Join('\n', missing)}\nscraped drover_*: {string.Join(' ', scraped.Where(n => n.StartsWith("drover_", StringComparison.Ordinal)).Order())}");
        Assert.All(queried, q => Assert.True(MetricNames(q.Expr).Any(), $"{q.Title}: \"{q.Expr}\" queries no Drover metric"));
    }

    /// <summary>The metric names in a PromQL expression: Drover's (drover_…) and the ones Prometheus makes itself.</summary>
    private static IEnumerable<string> MetricNames(string expr) =>
        MetricName().Matches(expr).Select(m => m.Value).Where(n => n.StartsWith("drover_", StringComparison.Ordinal) || PrometheusOwn.Contains(n)).Distinct();

    private static IEnumerable<JsonElement> Panels(JsonElement root)
    {
        foreach (var panel in root.GetProperty("panels").EnumerateArray())
        {
            yield return panel;
            if (panel.TryGetProperty("panels", out var nested))
            {
                foreach (var inner in nested.EnumerateArray())
                    yield return inner;
            }
        }
    }

    // Identifiers that are not inside a {…} matcher's value or followed by "(" (functions); label names inside
    // by (…) never start with drover_ and are filtered out with the rest.
    [GeneratedRegex(@"(?<![A-Za-z0-9_:""])[A-Za-z_:][A-Za-z0-9_:]*(?![A-Za-z0-9_:]*\()")]
    private static partial Regex MetricName();
}
