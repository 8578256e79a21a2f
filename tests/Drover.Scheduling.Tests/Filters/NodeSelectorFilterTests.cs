using static Drover.Scheduling.Tests.Objects;

namespace Drover.Scheduling.Tests;

public sealed class NodeSelectorFilterTests
{
    private static readonly ClusterSnapshot Cluster = Snapshot(
        Node("ssd-arm", labels: new() { ["disk"] = "ssd", ["arch"] = "arm64" }),
        Node("ssd-amd", labels: new() { ["disk"] = "ssd", ["arch"] = "amd64" }),
        Node("hdd", labels: new() { ["disk"] = "hdd" }),
        Node("unlabelled"));

    [Fact]
    public void Filter_NoSelector_AllKept()
    {
        Assert.Equal(4, Harness.Filter(new NodeSelectorFilter(), Cluster, Info("p")).Kept.Count);
    }

    [Fact]
    public void Filter_OnePair_KeepsNodesWithThatLabelValue()
    {
        var pod = PodInfo.From(Pod("p", nodeSelector: new() { ["disk"] = "ssd" }));

        var outcome = Harness.Filter(new NodeSelectorFilter(), Cluster, pod);

        Assert.Equal(["ssd-arm", "ssd-amd"], outcome.Kept);
        Assert.Equal(
            [
                ("hdd", "NodeAffinity", "node(s) didn't match Pod's node affinity/selector"),
                ("unlabelled", "NodeAffinity", "node(s) didn't match Pod's node affinity/selector"),
            ],
            outcome.Rejected);
    }

    [Fact]
    public void Filter_SeveralPairs_AllMustMatch()
    {
        var pod = PodInfo.From(Pod("p", nodeSelector: new() { ["disk"] = "ssd", ["arch"] = "arm64" }));

        Assert.Equal(["ssd-arm"], Harness.Filter(new NodeSelectorFilter(), Cluster, pod).Kept);
    }

    [Fact]
    public void Filter_ValueComparedExactly_CaseMatters()
    {
        var pod = PodInfo.From(Pod("p", nodeSelector: new() { ["disk"] = "SSD" }));

        Assert.Empty(Harness.Filter(new NodeSelectorFilter(), Cluster, pod).Kept);
    }

    [Fact]
    public void Filter_NodeRelabelledAfterFirstUse_IndexFollows()
    {
        var cluster = Snapshot(Node("a", labels: new() { ["disk"] = "hdd" }), Node("b", labels: new() { ["disk"] = "ssd" }));
        var pod = PodInfo.From(Pod("p", nodeSelector: new() { ["disk"] = "ssd" }));
        Assert.Equal(["b"], Harness.Filter(new NodeSelectorFilter(), cluster, pod).Kept);

        cluster.UpsertNode(Node("a", labels: new() { ["disk"] = "ssd" }));
        cluster.UpsertNode(Node("b", labels: new() { ["disk"] = "nvme" }));
        cluster.UpsertNode(Node("c", labels: new() { ["disk"] = "ssd" }));

        Assert.Equal(["a", "c"], Harness.Filter(new NodeSelectorFilter(), cluster, pod).Kept);
    }

    [Fact]
    public void Filter_NodeRemovedAndIdReused_NoStaleMatch()
    {
        var cluster = Snapshot(Node("a", labels: new() { ["disk"] = "ssd" }));
        var pod = PodInfo.From(Pod("p", nodeSelector: new() { ["disk"] = "ssd" }));
        Assert.Equal(["a"], Harness.Filter(new NodeSelectorFilter(), cluster, pod).Kept);

        cluster.RemoveNode("a");
        cluster.UpsertNode(Node("b"));

        Assert.Equal(0, cluster.FindNode("b")!.Id);
        Assert.Empty(Harness.Filter(new NodeSelectorFilter(), cluster, pod).Kept);
    }
}
