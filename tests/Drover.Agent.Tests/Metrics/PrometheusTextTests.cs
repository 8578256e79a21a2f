using System.Text;
using Drover.Agent.Metrics;

namespace Drover.Agent.Metrics.Tests;

public sealed class PrometheusTextTests
{
    private static string Text(IMetricFamily family)
    {
        var text = new StringBuilder();
        family.WriteTo(text);
        return text.ToString();
    }

    [Fact]
    public void WriteTo_CounterWithoutLabels_HelpTypeAndZeroFromTheStart()
    {
        var counter = new Counter("test_plain_total", "Things\\that happened.\nTwice.");

        Assert.Equal("# HELP test_plain_total Things\\\\that happened.\\nTwice.\n# TYPE test_plain_total counter\ntest_plain_total 0\n", Text(counter));

        counter.Inc();
        counter.Inc(2.5);
        Assert.EndsWith("test_plain_total 3.5\n", Text(counter), StringComparison.Ordinal);
        Assert.Equal(3.5, counter.Value);
    }

    [Fact]
    public void WriteTo_LabelledFamily_OnlyChildrenMadeSoFarInStableOrderWithEscapedValues()
    {
        var gauge = new Gauge("test_labelled", "By phase.", "phase", "note");
        Assert.Equal("# HELP test_labelled By phase.\n# TYPE test_labelled gauge\n", Text(gauge));

        gauge.WithLabels("Running", "a\"b\\c\nd").Set(3);
        gauge.WithLabels("Pending", "").Set(-1.25);
        gauge.WithLabels("Running", "a\"b\\c\nd").Set(4);

        Assert.Equal(
            "# HELP test_labelled By phase.\n# TYPE test_labelled gauge\n" +
            "test_labelled{phase=\"Pending\",note=\"\"} -1.25\n" +
            "test_labelled{phase=\"Running\",note=\"a\\\"b\\\\c\\nd\"} 4\n",
            Text(gauge));
    }

    [Fact]
    public void WriteTo_Histogram_CumulativeBucketsUpToInfThenSumAndCount()
    {
        var histogram = new Histogram("test_seconds", "Durations.", [0.01, 0.5, 10], "method");
        var child = histogram.WithLabels("Run");
        // Binary-exact values, so the sum prints exactly; 0.5 sits on a bound, which counts as "at or below".
        foreach (var value in new[] { 0.0078125, 0.25, 0.5, 3, 60 })
            child.Observe(value);

        Assert.Equal(
            "# HELP test_seconds Durations.\n# TYPE test_seconds histogram\n" +
            "test_seconds_bucket{method=\"Run\",le=\"0.01\"} 1\n" +
            "test_seconds_bucket{method=\"Run\",le=\"0.5\"} 3\n" +
            "test_seconds_bucket{method=\"Run\",le=\"10\"} 4\n" +
            "test_seconds_bucket{method=\"Run\",le=\"+Inf\"} 5\n" +
            "test_seconds_sum{method=\"Run\"} 63.7578125\n" +
            "test_seconds_count{method=\"Run\"} 5\n",
            Text(histogram));
    }

    [Fact]
    public void Inc_ManyThreads_NoIncrementLost()
    {
        var counter = new Counter("test_concurrent_total", "Concurrent increments.");

        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 10_000; i++)
                counter.Inc();
        });

        Assert.Equal(80_000, counter.Value);
    }

    [Fact]
    public void WithLabels_WrongNumberOfValues_Throws()
    {
        var counter = new Counter("test_arity_total", "Two labels.", "a", "b");

        Assert.Throws<ArgumentException>(() => counter.WithLabels("only-one"));
    }

    [Fact]
    public void WriteText_AgentFamiliesAndProcessSeries_AllThere()
    {
        AgentMetrics.PodsRunning.Set(2);

        var text = MetricRegistry.WriteText();

        Assert.Contains("drover_agent_pods{phase=\"Running\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE drover_agent_cri_request_duration_seconds histogram\n", text, StringComparison.Ordinal);
        // The registry is process-wide: other tests' heartbeats may have counted failures already, so any value.
        Assert.Matches(@"\ndrover_agent_heartbeat_failures_total \d+\n", text);
        foreach (var series in new[] { "process_cpu_seconds_total ", "process_working_set_bytes ", "process_num_threads ", "process_open_handles ", "process_start_time_seconds ", "dotnet_total_memory_bytes ", "dotnet_collection_count_total{generation=\"0\"} " })
            Assert.Contains("\n" + series, text, StringComparison.Ordinal);
    }
}
