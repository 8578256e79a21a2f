using static Drover.Scheduling.Tests.Objects;

namespace Drover.Scheduling.Tests;

public sealed class BalancedAllocationScorerTests
{
    [Fact]
    public void Score_PrefersNodeWhereCpuAndMemorySharesStayEven()
    {
        var cluster = Snapshot(Node("a", cpu: "1", memory: "1Gi"), Node("b", cpu: "1", memory: "1Gi"));
        cluster.Assume(Info("cpu-heavy", "500m", "0"), "a");

        var scores = Harness.Score(new BalancedAllocationScorer(), cluster, Info("p", "250m", "256Mi"));

        // a: cpu .75, memory .25 → 1 - .5/2 = 75; b: .25 and .25 → 100.
        Assert.Equal([75, 100], scores);
    }

    [Fact]
    public void Score_BestEffortPod_ZeroEverywhere()
    {
        var cluster = Snapshot(Node("a"), Node("b"));

        Assert.Equal([0, 0], Harness.Score(new BalancedAllocationScorer(), cluster, Info("p")));
    }

    [Theory]
    [InlineData(250, 1000, 500, 1024, 88)] // |.25 - .488| / 2 = .119
    [InlineData(2000, 1000, 0, 1024, 50)] // shares are capped at 1
    [InlineData(500, 0, 100, 1000, 100)] // a resource the node lacks is left out
    public void Balance_KubernetesBalancedResourceScorer(long cpu, long allocatableCpu, long memory, long allocatableMemory, long expected)
    {
        Assert.Equal(expected, BalancedAllocationScorer.Balance(cpu, allocatableCpu, memory, allocatableMemory));
    }
}
