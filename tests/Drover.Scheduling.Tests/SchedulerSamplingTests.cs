using static Drover.Scheduling.Tests.Objects;

namespace Drover.Scheduling.Tests;

/// <summary>kube-scheduler's percentageOfNodesToScore: big clusters stop filtering once enough nodes are feasible.</summary>
public sealed class SchedulerSamplingTests
{
    private static ClusterSnapshot Cluster(int nodes, Func<int, string>? ready = null) =>
        Snapshot([.. Enumerable.Range(0, nodes).Select(i => Node($"n{i:0000}", ready: ready?.Invoke(i) ?? "True"))]);

    [Theory]
    [InlineData(50, 50)]
    [InlineData(100, 100)]
    [InlineData(250, 120)]     // 48%
    [InlineData(1_000, 420)]   // 42%
    [InlineData(5_000, 500)]   // 10%
    [InlineData(10_000, 500)]  // 5% at least
    [InlineData(150, 100)]     // never fewer than 100
    public void FeasibleNodesToFind_Adaptive_AsKubeScheduler(int nodes, int expected) =>
        Assert.Equal(expected, new Scheduler(new Random(1)).FeasibleNodesToFind(nodes));

    [Fact]
    public void FeasibleNodesToFind_Percentage100_Everything() =>
        Assert.Equal(1_000, new Scheduler(new Random(1)) { PercentageOfNodesToScore = 100 }.FeasibleNodesToFind(1_000));

    [Fact]
    public void Decide_ThousandNodes_Evaluates420AndMovesOn()
    {
        var cluster = Cluster(1_000);
        var scheduler = new Scheduler(new Random(1));

        var first = Assert.IsType<Placement>(scheduler.Decide(cluster, Info("a", "100m")));
        var second = Assert.IsType<Placement>(scheduler.Decide(cluster, Info("b", "100m")));
        var third = Assert.IsType<Placement>(scheduler.Decide(cluster, Info("c", "100m")));

        Assert.Equal((420, 420), (first.EvaluatedNodes, first.FeasibleNodes));
        // Each decision starts where the last stopped: n0000–n0419, n0420–n0839, then n0840… wrapping round.
        Assert.InRange(string.CompareOrdinal(first.NodeName, "n0420"), int.MinValue, -1);
        Assert.InRange(string.CompareOrdinal(second.NodeName, "n0420"), 0, int.MaxValue);
        Assert.InRange(string.CompareOrdinal(second.NodeName, "n0840"), int.MinValue, -1);
        Assert.True(string.CompareOrdinal(third.NodeName, "n0840") >= 0 || string.CompareOrdinal(third.NodeName, "n0260") < 0, third.NodeName);
    }

    [Fact]
    public void Decide_FewFeasible_KeepsLookingUntilAllEvaluated()
    {
        // Only every tenth node is ready: 100 feasible, fewer than the 420 wanted.
        var cluster = Cluster(1_000, i => i % 10 == 0 ? "True" : "False");

        var placement = Assert.IsType<Placement>(new Scheduler(new Random(1)).Decide(cluster, Info("a", "100m")));

        Assert.Equal((1_000, 100), (placement.EvaluatedNodes, placement.FeasibleNodes));
    }

    [Fact]
    public void Decide_NoNodeFits_EveryNodeInTheMessage()
    {
        var cluster = Cluster(1_000, i => i < 10 ? "False" : "True");
        var scheduler = new Scheduler(new Random(1));
        scheduler.Decide(cluster, Info("warm-up", "100m"));

        var none = Assert.IsType<Unschedulable>(scheduler.Decide(cluster, Info("huge", "64")));

        Assert.Equal("0/1000 nodes are available: 10 node(s) were not ready, 990 Insufficient cpu.", none.Message);
        Assert.Equal(1_000, none.Rejections.Count);
    }

    [Fact]
    public void Decide_SameSeed_SamePlacementsWithSampling()
    {
        static List<string> Run()
        {
            var cluster = Cluster(600);
            var scheduler = new Scheduler(new Random(7));
            var placed = new List<string>();
            for (var i = 0; i < 50; i++)
            {
                var pod = Info($"p{i}", "250m", "64Mi", owner: i % 2 == 0 ? "web" : null);
                var node = Assert.IsType<Placement>(scheduler.Decide(cluster, pod)).NodeName;
                cluster.Assume(pod, node);
                placed.Add(node);
            }
            return placed;
        }

        Assert.Equal(Run(), Run());
    }
}
