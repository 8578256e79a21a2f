using static Drover.Scheduling.Tests.Objects;

namespace Drover.Scheduling.Tests;

public sealed class TaintTolerationScorerTests
{
    private static readonly ClusterSnapshot Cluster = Snapshot(
        Node("plain"),
        Node("one", taints: Taint("spot", "true", "PreferNoSchedule")),
        Node("two", taints: [Taint("spot", "true", "PreferNoSchedule"), Taint("old", "", "PreferNoSchedule")]),
        Node("hard", taints: Taint("dedicated", "x", "NoSchedule")));

    [Fact]
    public void Score_UntoleratedPreferNoSchedule_PenalisedByCount()
    {
        var scores = Harness.Score(new TaintTolerationScorer(), Cluster, Info("p"));

        // Counts 0, 1, 2, 0 (NoSchedule is the filter's business) → reversed against the maximum 2.
        Assert.Equal([100, 50, 0, 100], scores);
    }

    [Fact]
    public void Score_ToleratedTaint_NotCounted()
    {
        var pod = PodInfo.From(Pod("p", tolerations: Toleration("spot", "Exists", null, "PreferNoSchedule")));

        Assert.Equal([100, 100, 0, 100], Harness.Score(new TaintTolerationScorer(), Cluster, pod));
    }

    [Fact]
    public void Score_TolerationForNoScheduleOnly_DoesNotHelp()
    {
        var pod = PodInfo.From(Pod("p", tolerations: Toleration("spot", "Exists", null, "NoSchedule")));

        Assert.Equal([100, 50, 0, 100], Harness.Score(new TaintTolerationScorer(), Cluster, pod));
    }

    [Fact]
    public void Score_NoPreferNoScheduleTaints_FullScoreEverywhere()
    {
        Assert.Equal([100, 100], Harness.Score(new TaintTolerationScorer(), Snapshot(Node("a"), Node("b")), Info("p")));
    }
}
