using Drover.Api;
using static Drover.Scheduling.Tests.Objects;

namespace Drover.Scheduling.Tests;

public sealed class ClusterSnapshotTests
{
    [Fact]
    public void UpsertNode_ReadsAllocatableReadinessLabelsAndTaints()
    {
        var snapshot = Snapshot(Node("a", cpu: "1500m", memory: "2Gi", pods: 20, ready: "False", unschedulable: true,
            labels: new() { ["zone"] = "z1" }, taints: [Taint("k", null, "NoSchedule"), Taint("p", "v", "PreferNoSchedule")]));

        var node = Assert.Single(snapshot.Nodes);
        Assert.Equal(1500, node.AllocatableMilliCpu);
        Assert.Equal(2L << 30, node.AllocatableMemoryBytes);
        Assert.Equal(20, node.AllocatablePods);
        Assert.False(node.Ready);
        Assert.True(node.Unschedulable);
        Assert.Equal("z1", node.Labels["zone"]);
        Assert.True(node.State.HasBlockingTaints);
        Assert.True(node.State.HasPreferNoScheduleTaints);
        Assert.Equal("node(s) had untolerated taint {k: }", node.Taints[0].UntoleratedReason);
    }

    [Fact]
    public void UpsertNode_NoStatus_NotReadyAndOffersNothing()
    {
        var snapshot = Snapshot(new Node { Metadata = new ObjectMeta { Name = "bare" } });

        var node = snapshot.Nodes[0];
        Assert.False(node.Ready);
        Assert.Equal(0, node.AllocatablePods);
    }

    [Fact]
    public void Assume_CountsRequestsAndOwnerReplicas()
    {
        var snapshot = Snapshot(Node("a"), Node("b"));

        snapshot.Assume(Info("p1", "250m", "100Mi", owner: "web"), "a");
        snapshot.Assume(Info("p2", "500m", "200Mi", owner: "web"), "a");

        var a = snapshot.FindNode("a")!;
        Assert.Equal(750, a.RequestedMilliCpu);
        Assert.Equal(300L << 20, a.RequestedMemoryBytes);
        Assert.Equal(2, a.PodCount);
        Assert.Equal(2, snapshot.ReplicasOn("rs-web", "a"));
        Assert.Equal(0, snapshot.ReplicasOn("rs-web", "b"));
        Assert.Equal("a", snapshot.NodeNameOf("uid-p1"));
    }

    [Fact]
    public void Assume_SamePodAgain_MovesItInsteadOfCountingTwice()
    {
        var snapshot = Snapshot(Node("a"), Node("b"));
        var pod = Info("p", "1", "1Gi", owner: "web");

        snapshot.Assume(pod, "a");
        snapshot.Assume(pod, "b");

        Assert.Equal(0, snapshot.FindNode("a")!.RequestedMilliCpu);
        Assert.Equal(1000, snapshot.FindNode("b")!.RequestedMilliCpu);
        Assert.Equal(1, snapshot.PodCount);
        Assert.Equal(1, snapshot.ReplicasOn("rs-web", "b"));
        Assert.Equal(0, snapshot.ReplicasOn("rs-web", "a"));
    }

    [Fact]
    public void Forget_AssumedPod_ReturnsRequests()
    {
        var snapshot = Snapshot(Node("a"));
        var pod = Info("p", "1", "1Gi", owner: "web");
        snapshot.Assume(pod, "a");

        Assert.True(snapshot.Forget(pod));
        Assert.False(snapshot.Forget(pod));

        var a = snapshot.FindNode("a")!;
        Assert.Equal((0, 0L, 0, 0L, 0L), (a.RequestedMilliCpu, a.RequestedMemoryBytes, a.PodCount, a.NonZeroRequestedMilliCpu, a.NonZeroRequestedMemoryBytes));
        Assert.Equal(0, snapshot.ReplicasOn("rs-web", "a"));
    }

    [Fact]
    public void UpsertPod_UnboundAfterAssume_KeepsAssumption()
    {
        var snapshot = Snapshot(Node("a"));
        snapshot.Assume(Info("p", "1"), "a");

        // A status update written before the binding can still arrive after the assumption.
        snapshot.UpsertPod(Pod("p", "1"));

        Assert.Equal("a", snapshot.NodeNameOf("uid-p"));
    }

    [Fact]
    public void UpsertPod_BoundElsewhere_MovesToTheBoundNode()
    {
        var snapshot = Snapshot(Node("a"), Node("b"));
        snapshot.Assume(Info("p", "1"), "a");

        snapshot.UpsertPod(Pod("p", "1", nodeName: "b"));

        Assert.Equal("b", snapshot.NodeNameOf("uid-p"));
        Assert.Equal(0, snapshot.FindNode("a")!.RequestedMilliCpu);
    }

    [Theory]
    [InlineData("Succeeded")]
    [InlineData("Failed")]
    public void UpsertPod_Finished_NoLongerCounted(string phase)
    {
        var snapshot = Snapshot(Node("a"));
        snapshot.UpsertPod(Pod("p", "1", nodeName: "a", phase: "Running"));

        snapshot.UpsertPod(Pod("p", "1", nodeName: "a", phase: phase));

        Assert.Equal(0, snapshot.PodCount);
        Assert.Equal(0, snapshot.FindNode("a")!.RequestedMilliCpu);
    }

    [Fact]
    public void RemoveNode_WithPods_PodsStayCountedAndReturnWithTheNode()
    {
        var snapshot = Snapshot(Node("a"), Node("b"));
        snapshot.UpsertPod(Pod("p", "1", owner: "web", nodeName: "a"));

        Assert.True(snapshot.RemoveNode("a"));

        Assert.Null(snapshot.FindNode("a"));
        Assert.Equal(["b"], snapshot.Nodes.Select(n => n.Name));
        Assert.Equal("a", snapshot.NodeNameOf("uid-p"));

        snapshot.UpsertNode(Node("a"));

        Assert.Equal(1000, snapshot.FindNode("a")!.RequestedMilliCpu);
        Assert.Equal(1, snapshot.ReplicasOn("rs-web", "a"));
        Assert.Equal(["b", "a"], snapshot.Nodes.Select(n => n.Name));
    }

    [Fact]
    public void RemoveNode_Unknown_False()
    {
        Assert.False(Snapshot(Node("a")).RemoveNode("zz"));
    }

    [Fact]
    public void RemoveNode_KeepsOrderOfTheOthers()
    {
        var snapshot = Snapshot(Node("a"), Node("b"), Node("c"), Node("d"));

        snapshot.RemoveNode("b");

        Assert.Equal(["a", "c", "d"], snapshot.Nodes.Select(n => n.Name));
    }

    [Fact]
    public void UpsertNode_Update_KeepsAccountingAndRereadsNode()
    {
        var snapshot = Snapshot(Node("a", cpu: "2"));
        snapshot.Assume(Info("p", "1"), "a");

        snapshot.UpsertNode(Node("a", cpu: "8", ready: "Unknown"));

        var a = snapshot.FindNode("a")!;
        Assert.Equal(8000, a.AllocatableMilliCpu);
        Assert.Equal(1000, a.RequestedMilliCpu);
        Assert.False(a.Ready);
        Assert.Single(snapshot.Nodes);
    }

    [Fact]
    public void NodeInfo_HeldAfterNodeIsForgotten_ReadsZerosNotTheNextNodeWithItsId()
    {
        var snapshot = Snapshot(Node("old"));
        var old = snapshot.FindNode("old")!;
        snapshot.RemoveNode("old");

        snapshot.UpsertNode(Node("new", cpu: "16"));
        snapshot.Assume(Info("p", "1"), "new");

        Assert.Equal(old.Id, snapshot.FindNode("new")!.Id);
        Assert.Equal((0L, 0L), (old.AllocatableMilliCpu, old.RequestedMilliCpu));
    }
}
