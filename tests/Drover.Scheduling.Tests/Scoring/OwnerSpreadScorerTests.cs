using static Drover.Scheduling.Tests.Objects;

namespace Drover.Scheduling.Tests;

public sealed class OwnerSpreadScorerTests
{
    [Fact]
    public void Score_FewerReplicasOfTheSameOwner_Higher()
    {
        var cluster = Snapshot(Node("a"), Node("b"), Node("c"));
        cluster.Assume(Info("w1", owner: "web"), "a");
        cluster.Assume(Info("w2", owner: "web"), "a");
        cluster.Assume(Info("w3", owner: "web"), "b");
        cluster.Assume(Info("x1", owner: "other"), "c");

        var scores = Harness.Score(new OwnerSpreadScorer(), cluster, Info("w4", owner: "web"));

        // max 2 replicas: a (2) → 0, b (1) → 50, c (0 of web) → 100.
        Assert.Equal([0, 50, 100], scores);
    }

    [Fact]
    public void Score_NoOwner_FullScoreEverywhere()
    {
        var cluster = Snapshot(Node("a"), Node("b"));
        cluster.Assume(Info("w1", owner: "web"), "a");

        Assert.Equal([100, 100], Harness.Score(new OwnerSpreadScorer(), cluster, Info("bare")));
    }

    [Fact]
    public void Score_FirstReplica_FullScoreEverywhere()
    {
        var cluster = Snapshot(Node("a"), Node("b"));

        Assert.Equal([100, 100], Harness.Score(new OwnerSpreadScorer(), cluster, Info("w1", owner: "web")));
    }

    [Fact]
    public void Score_ReusedBetweenDecisions_NoStaleCounts()
    {
        var cluster = Snapshot(Node("a"), Node("b"));
        var scorer = new OwnerSpreadScorer();
        cluster.Assume(Info("w1", owner: "web"), "a");
        Assert.Equal([0, 100], Harness.Score(scorer, cluster, Info("w2", owner: "web")));

        cluster.Assume(Info("d1", owner: "db"), "b");

        Assert.Equal([100, 0], Harness.Score(scorer, cluster, Info("d2", owner: "db")));
    }
}
