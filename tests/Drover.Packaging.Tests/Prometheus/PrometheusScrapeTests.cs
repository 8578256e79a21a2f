using System.Diagnostics;
using System.Text.Json;
using Xunit.Abstractions;

namespace Drover.Packaging.Prometheus.Tests;

/// <summary>The real Prometheus, configured by packaging/prometheus, scrapes every part of a real cluster.</summary>
[Collection(PrometheusClusterCollection.Name)]
[Trait("Category", "Process")]
public sealed class PrometheusScrapeTests(PrometheusClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Targets_RenderedConfiguration_DroverdEveryAgentAndIngressUp()
    {
        var expected = new Dictionary<string, int>
        {
            ["droverd"] = 1,
            ["drover-agent"] = fixture.Cluster.Nodes.Count,
            ["drover-ingress"] = 1,
        };
        JsonElement targets = default;
        var waited = Stopwatch.StartNew();
        await WaitAsync(async () =>
        {
            targets = await fixture.Prometheus.ApiAsync("/api/v1/targets?state=active");
            var active = targets.GetProperty("activeTargets").EnumerateArray().ToList();
            return expected.All(e => active.Count(t => Job(t) == e.Key && t.GetProperty("health").GetString() == "up") == e.Value)
                && active.Count == expected.Values.Sum();
        }, () => $"every target up ({string.Join(", ", expected.Select(e => $"{e.Key}: {e.Value}"))}); targets: {targets}");

        output.WriteLine($"every target up {waited.Elapsed.TotalSeconds:0.0} s after this test started polling (other tests of the collection may have waited before)");
        foreach (var series in await fixture.Prometheus.QueryAsync("{__name__=~\"scrape_samples_scraped|scrape_duration_seconds\"}"))
        {
            var metric = series.GetProperty("metric");
            output.WriteLine($"{metric.GetProperty("__name__").GetString()} {metric.GetProperty("job").GetString()}: {series.GetProperty("value")[1].GetString()}");
        }

        // The agent came through droverd's service discovery: its labels and the port it published.
        var agent = targets.GetProperty("activeTargets").EnumerateArray().Single(t => Job(t) == "drover-agent");
        var node = fixture.Cluster.Nodes[0];
        Assert.Equal($"127.0.0.1:{node.MetricsPort}", agent.GetProperty("discoveredLabels").GetProperty("__address__").GetString());
        Assert.Equal(node.Name, agent.GetProperty("discoveredLabels").GetProperty("__meta_drover_node_name").GetString());
        Assert.Equal("true", agent.GetProperty("discoveredLabels").GetProperty("__meta_drover_node_ready").GetString());
        Assert.Equal(node.Name, agent.GetProperty("labels").GetProperty("node").GetString());
    }

    [Theory]
    [InlineData("drover_apiserver_requests_total{job=\"droverd\",verb=\"list\",resource=\"pods\",code=\"200\"}")]
    [InlineData("drover_apiserver_open_watches{job=\"droverd\"}")]
    [InlineData("drover_store_operation_duration_seconds_count{job=\"droverd\"}")]
    [InlineData("drover_scheduler_schedule_attempts_total{job=\"droverd\",result=\"scheduled\"}")]
    [InlineData("drover_agent_heartbeats_total{job=\"drover-agent\",node=\"node-20\"} > 0")]
    [InlineData("drover_agent_node_ready{job=\"drover-agent\",node=\"node-20\"} == 1")]
    [InlineData("drover_agent_pods{job=\"drover-agent\",node=\"node-20\",phase=\"Running\"} == 3")]
    [InlineData("drover_agent_pod_sync_duration_seconds_count{job=\"drover-agent\",node=\"node-20\"} > 0")]
    [InlineData("drover_ingress_requests_total{job=\"drover-ingress\",service=~\".*my-app-service.*\",code=\"200\"} >= 20")]
    [InlineData("drover_ingress_upstream_duration_seconds_count{job=\"drover-ingress\",service=~\".*my-app-service.*\"} > 0")]
    [InlineData("drover_ingress_upstream_failures_total{job=\"drover-ingress\"} > 0")]
    public async Task Query_KeySeries_Present(string promql)
    {
        IReadOnlyList<JsonElement> result = [];
        await WaitAsync(async () => (result = await fixture.Prometheus.QueryAsync(promql)).Count > 0,
            () => $"a series for {promql}; last result: [{string.Join(", ", result)}]");
    }

    private static string? Job(JsonElement target) => target.GetProperty("labels").GetProperty("job").GetString();

    private async Task WaitAsync(Func<Task<bool>> condition, Func<string> what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"not within {Timeout.TotalSeconds:0} s: {what()}\n{fixture.Diagnostics()}");
            await Task.Delay(250);
        }
    }
}
