using Drover.Api;
using Drover.ControlPlane.Controllers;
using Drover.ControlPlane.Controllers.NodeLifecycle;

namespace Drover.ControlPlane.Controllers.Tests;

public sealed class NodeUnreachableTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static Pod Pod(params Toleration[] tolerations) => new() { Spec = new PodSpec { Tolerations = tolerations.Length == 0 ? null : [.. tolerations] } };

    [Fact]
    public void MarkUnknown_AgentConditions_UnknownHeartbeatKept()
    {
        var heartbeat = Now.AddSeconds(-30);
        var status = new NodeStatus
        {
            Conditions =
            [
                new NodeCondition { Type = "MemoryPressure", Status = "False", LastHeartbeatTime = heartbeat },
                new NodeCondition { Type = "Ready", Status = "True", Reason = "KubeletReady", LastHeartbeatTime = heartbeat },
                new NodeCondition { Type = "NetworkUnavailable", Status = "False" },
            ],
        };

        var marked = NodeUnreachable.MarkUnknown(status, Now)!;

        var ready = marked.Conditions!.Single(c => c.Type == "Ready");
        Assert.Equal(("Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status."), (ready.Status, ready.Reason, ready.Message));
        Assert.Equal(heartbeat, ready.LastHeartbeatTime);
        Assert.Equal(Now, ready.LastTransitionTime);
        Assert.Equal("Unknown", marked.Conditions!.Single(c => c.Type == "MemoryPressure").Status);
        Assert.Equal("False", marked.Conditions!.Single(c => c.Type == "NetworkUnavailable").Status);
        Assert.Equal("NodeStatusNeverUpdated", marked.Conditions!.Single(c => c.Type == "DiskPressure").Reason);
        Assert.Null(NodeUnreachable.MarkUnknown(marked, Now.AddSeconds(5)));
    }

    [Fact]
    public void WithTaints_AddsBothOnce_WithoutTaints_RemovesOnlyThem()
    {
        var other = new Taint { Key = "dedicated", Value = "gpu", Effect = "NoSchedule" };
        var tainted = NodeUnreachable.WithTaints([other], Now)!;

        Assert.Equal(3, tainted.Count);
        Assert.Equal(Now, NodeUnreachable.Find(tainted, "NoExecute")!.TimeAdded);
        Assert.NotNull(NodeUnreachable.Find(tainted, "NoSchedule"));
        Assert.Null(NodeUnreachable.WithTaints(tainted, Now.AddSeconds(1)));
        Assert.Equal([other], NodeUnreachable.WithoutTaints(tainted)!);
        Assert.Null(NodeUnreachable.WithoutTaints([other]));
    }

    [Fact]
    public void EvictionDelay_TolerationsAsTaintManager()
    {
        var timeout = TimeSpan.FromSeconds(20);
        Assert.Equal(timeout, NodeUnreachable.EvictionDelay(Pod(), timeout));
        Assert.Equal(timeout, NodeUnreachable.EvictionDelay(Pod(new Toleration { Key = "other", Operator = "Exists", Effect = "NoExecute", TolerationSeconds = 1 }), timeout));
        Assert.Null(NodeUnreachable.EvictionDelay(Pod(new Toleration { Key = "node.kubernetes.io/unreachable", Operator = "Exists", Effect = "NoExecute" }), timeout));
        Assert.Null(NodeUnreachable.EvictionDelay(Pod(new Toleration { Operator = "Exists" }), timeout));
        Assert.Equal(TimeSpan.FromSeconds(5), NodeUnreachable.EvictionDelay(Pod(
            new Toleration { Key = "node.kubernetes.io/unreachable", Operator = "Exists", Effect = "NoExecute", TolerationSeconds = 60 },
            new Toleration { Key = "node.kubernetes.io/unreachable", Operator = "Exists", Effect = "NoExecute", TolerationSeconds = 5 },
            new Toleration { Key = "node.kubernetes.io/unreachable", Operator = "Exists", Effect = "NoExecute" }), timeout));
    }

    [Fact]
    public void NodeHeartbeats_OwnClockNotTheirs()
    {
        var beats = new NodeHeartbeats();
        var skewed = Now.AddHours(-3);
        beats.ObserveLease("n", skewed, Now);
        Assert.Equal(Now, beats.LastSeen("n", Now.AddSeconds(30)));

        // The same renewTime seen again (a relist) is no sign of life; a new one is.
        beats.ObserveLease("n", skewed, Now.AddSeconds(10));
        Assert.Equal(Now, beats.LastSeen("n", Now.AddSeconds(30)));
        beats.ObserveLease("n", skewed.AddSeconds(10), Now.AddSeconds(20));
        Assert.Equal(Now.AddSeconds(20), beats.LastSeen("n", Now.AddSeconds(30)));

        beats.ObserveNode("n", null, Now.AddSeconds(25));
        Assert.Equal(Now.AddSeconds(20), beats.LastSeen("n", Now.AddSeconds(30)));
        Assert.Equal(Now.AddSeconds(40), beats.LastSeen("never-seen", Now.AddSeconds(40)));
    }

    [Fact]
    public void WithoutNoExecute_FullDisruption_KeepsNoScheduleOnly()
    {
        var tainted = NodeUnreachable.WithTaints(null, Now)!;

        var calmed = NodeUnreachable.WithoutNoExecute(tainted)!;

        Assert.Equal([("node.kubernetes.io/unreachable", "NoSchedule")], calmed.Select(t => (t.Key, t.Effect)));
        Assert.Null(NodeUnreachable.WithoutNoExecute(calmed));
        Assert.Null(NodeUnreachable.WithNoSchedule(calmed));
        Assert.Equal([("node.kubernetes.io/unreachable", "NoSchedule")], NodeUnreachable.WithNoSchedule(null)!.Select(t => (t.Key, t.Effect)));
    }
}
