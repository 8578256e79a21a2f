using static Drover.Scheduling.Tests.Objects;

namespace Drover.Scheduling.Tests;

public sealed class LeastAllocatedScorerTests
{
    [Fact]
    public void Score_EmptyNodes_AverageOfFreeShares()
    {
        var cluster = Snapshot(Node("a", cpu: "1", memory: "1Gi"), Node("b", cpu: "4", memory: "4Gi"));

        var scores = Harness.Score(new LeastAllocatedScorer(), cluster, Info("p", "250m", "512Mi"));

        // a: cpu (1000-250)*100/1000 = 75, memory 50 → 62; b: cpu 93, memory 87 → 90.
        Assert.Equal([62, 90], scores);
    }

    [Fact]
    public void Score_CountsPodsAlreadyThere_WithNonZeroDefaults()
    {
        var cluster = Snapshot(Node("a", cpu: "1", memory: "1000Mi"), Node("b", cpu: "1", memory: "1000Mi"));
        cluster.Assume(Info("best-effort"), "a"); // counts as 100m and 200Mi when scoring

        var scores = Harness.Score(new LeastAllocatedScorer(), cluster, Info("p"));

        // a: cpu (1000-200)/1000 = 80, memory (1000-400)/1000 = 60 → 70; b: 90 and 80 → 85.
        Assert.Equal([70, 85], scores);
    }

    [Theory]
    [InlineData(0, 1000, 100)]
    [InlineData(1000, 1000, 0)]
    [InlineData(1500, 1000, 0)]
    [InlineData(10, 0, 0)]
    [InlineData(333, 1000, 66)]
    public void FreeShare_KubernetesLeastRequestedScore(long requested, long capacity, long expected)
    {
        Assert.Equal(expected, LeastAllocatedScorer.FreeShare(requested, capacity));
    }
}
