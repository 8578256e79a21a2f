using static Drover.Scheduling.Tests.Objects;

namespace Drover.Scheduling.Tests;

public sealed class TaintTolerationFilterTests
{
    private static readonly ClusterSnapshot Cluster = Snapshot(
        Node("plain"),
        Node("noschedule", taints: Taint("dedicated", "gpu", "NoSchedule")),
        Node("noexecute", taints: Taint("node.kubernetes.io/unreachable", null, "NoExecute")),
        Node("prefer", taints: Taint("spot", "true", "PreferNoSchedule")));

    [Fact]
    public void Filter_NoTolerations_OnlyNoScheduleAndNoExecuteReject()
    {
        var outcome = Harness.Filter(new TaintTolerationFilter(), Cluster, Info("p"));

        Assert.Equal(["plain", "prefer"], outcome.Kept);
        Assert.Equal(
            [
                ("noschedule", "TaintToleration", "node(s) had untolerated taint {dedicated: gpu}"),
                ("noexecute", "TaintToleration", "node(s) had untolerated taint {node.kubernetes.io/unreachable: }"),
            ],
            outcome.Rejected);
    }

    [Fact]
    public void Filter_ToleratesNoSchedule_KeptThere()
    {
        var pod = PodInfo.From(Pod("p", tolerations: Toleration("dedicated", "Equal", "gpu", "NoSchedule")));

        var outcome = Harness.Filter(new TaintTolerationFilter(), Cluster, pod);

        Assert.Equal(["plain", "noschedule", "prefer"], outcome.Kept);
    }

    [Fact]
    public void Filter_TolerationForOtherEffect_StillRejected()
    {
        var pod = PodInfo.From(Pod("p", tolerations: Toleration("dedicated", "Exists", null, "NoExecute")));

        var outcome = Harness.Filter(new TaintTolerationFilter(), Cluster, pod);

        Assert.DoesNotContain("noschedule", outcome.Kept);
    }

    [Fact]
    public void Filter_TolerateEverything_AllKept()
    {
        var pod = PodInfo.From(Pod("p", tolerations: Toleration(null, "Exists", null, null)));

        var outcome = Harness.Filter(new TaintTolerationFilter(), Cluster, pod);

        Assert.Equal(4, outcome.Kept.Count);
    }

    [Fact]
    public void Filter_SeveralUntolerated_ReasonNamesTheFirst()
    {
        var cluster = Snapshot(Node("a", taints: [Taint("first", "1", "NoSchedule"), Taint("second", "2", "NoExecute")]));
        var pod = PodInfo.From(Pod("p", tolerations: Toleration("zzz", "Exists", null, null)));

        var outcome = Harness.Filter(new TaintTolerationFilter(), cluster, pod);

        Assert.Equal(["node(s) had untolerated taint {first: 1}"], outcome.ReasonsFor("a"));
    }

    [Fact]
    public void Filter_FirstToleratedSecondNot_ReasonNamesTheSecond()
    {
        var cluster = Snapshot(Node("a", taints: [Taint("first", "1", "NoSchedule"), Taint("second", "2", "NoExecute")]));
        var pod = PodInfo.From(Pod("p", tolerations: Toleration("first", "Exists", null, null)));

        var outcome = Harness.Filter(new TaintTolerationFilter(), cluster, pod);

        Assert.Equal(["node(s) had untolerated taint {second: 2}"], outcome.ReasonsFor("a"));
    }
}
