using static Drover.Scheduling.Tests.Objects;

namespace Drover.Scheduling.Tests;

public sealed class NodeSchedulableFilterTests
{
    [Fact]
    public void Filter_ReadyAndNotCordoned_Kept()
    {
        var outcome = Harness.Filter(new NodeSchedulableFilter(), Snapshot(Node("a")), Info("p"));

        Assert.Equal(["a"], outcome.Kept);
        Assert.Empty(outcome.Rejected);
    }

    [Theory]
    [InlineData("False")]
    [InlineData("Unknown")]
    [InlineData("true")]
    public void Filter_ReadyNotTrue_RejectedAsNotReady(string status)
    {
        var outcome = Harness.Filter(new NodeSchedulableFilter(), Snapshot(Node("a"), Node("b", ready: status)), Info("p"));

        Assert.Equal(["a"], outcome.Kept);
        Assert.Equal([("b", "NodeSchedulable", "node(s) were not ready")], outcome.Rejected);
    }

    [Fact]
    public void Filter_NoReadyCondition_RejectedAsNotReady()
    {
        var node = Node("a") with { Status = Node("a").Status! with { Conditions = [new() { Type = "MemoryPressure", Status = "False" }] } };

        var outcome = Harness.Filter(new NodeSchedulableFilter(), Snapshot(node), Info("p"));

        Assert.Empty(outcome.Kept);
        Assert.Equal([FilterReasons.NodeNotReady], outcome.ReasonsFor("a"));
    }

    [Fact]
    public void Filter_Cordoned_RejectedAsUnschedulable()
    {
        var outcome = Harness.Filter(new NodeSchedulableFilter(), Snapshot(Node("a"), Node("b", unschedulable: true)), Info("p"));

        Assert.Equal(["a"], outcome.Kept);
        Assert.Equal([("b", "NodeSchedulable", "node(s) were unschedulable")], outcome.Rejected);
    }

    [Fact]
    public void Filter_CordonedAndNotReady_OnlyNotReadyReported()
    {
        var outcome = Harness.Filter(new NodeSchedulableFilter(), Snapshot(Node("a", ready: "False", unschedulable: true)), Info("p"));

        Assert.Equal([FilterReasons.NodeNotReady], outcome.ReasonsFor("a"));
    }

    [Fact]
    public void Filter_CordonedButPodToleratesUnschedulableTaint_Kept()
    {
        var pod = PodInfo.From(Pod("p", tolerations: Toleration("node.kubernetes.io/unschedulable", "Exists", null, "NoSchedule")));

        var outcome = Harness.Filter(new NodeSchedulableFilter(), Snapshot(Node("a", unschedulable: true)), pod);

        Assert.Equal(["a"], outcome.Kept);
    }

    [Fact]
    public void Filter_NotReadyAndPodToleratesUnschedulable_StillRejected()
    {
        var pod = PodInfo.From(Pod("p", tolerations: Toleration(null, "Exists", null, null)));

        var outcome = Harness.Filter(new NodeSchedulableFilter(), Snapshot(Node("a", ready: "Unknown")), pod);

        Assert.Empty(outcome.Kept);
    }
}
