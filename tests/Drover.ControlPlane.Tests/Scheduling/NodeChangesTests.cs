using Drover.Api;
using Drover.ControlPlane.Scheduling;

namespace Drover.ControlPlane.Scheduling.Tests;

public sealed class NodeChangesTests
{
    private static Node Node(string ready = "True", string cpu = "2", bool cordoned = false, Dictionary<string, string>? labels = null, List<Taint>? taints = null, DateTimeOffset? heartbeat = null) => new()
    {
        Metadata = new ObjectMeta { Name = "n", Labels = labels },
        Spec = new NodeSpec { Unschedulable = cordoned ? true : null, Taints = taints },
        Status = new NodeStatus
        {
            Allocatable = new Dictionary<string, Quantity> { ["cpu"] = Quantity.Parse(cpu), ["memory"] = Quantity.Parse("1Gi") },
            Conditions = [new NodeCondition { Type = "Ready", Status = ready, LastHeartbeatTime = heartbeat }],
        },
    };

    [Fact]
    public void CouldHelp_HeartbeatOnly_False() =>
        Assert.False(NodeChanges.CouldHelp(Node(heartbeat: DateTimeOffset.UnixEpoch), Node(heartbeat: DateTimeOffset.UnixEpoch.AddSeconds(10))));

    [Fact]
    public void CouldHelp_NewNode_True() => Assert.True(NodeChanges.CouldHelp(null, Node()));

    [Fact]
    public void CouldHelp_BecameReady_True() => Assert.True(NodeChanges.CouldHelp(Node(ready: "Unknown"), Node()));

    [Fact]
    public void CouldHelp_BecameNotReady_False() => Assert.False(NodeChanges.CouldHelp(Node(), Node(ready: "Unknown")));

    [Fact]
    public void CouldHelp_Uncordoned_True() => Assert.True(NodeChanges.CouldHelp(Node(cordoned: true), Node()));

    [Fact]
    public void CouldHelp_MoreCpu_True_LessCpu_False()
    {
        Assert.True(NodeChanges.CouldHelp(Node(cpu: "2"), Node(cpu: "4")));
        Assert.False(NodeChanges.CouldHelp(Node(cpu: "4"), Node(cpu: "2")));
    }

    [Fact]
    public void CouldHelp_LabelsOrTaintsChanged_True()
    {
        Assert.True(NodeChanges.CouldHelp(Node(), Node(labels: new() { ["zone"] = "a" })));
        Assert.True(NodeChanges.CouldHelp(Node(taints: [new Taint { Key = "k", Effect = "NoSchedule" }]), Node()));
    }
}
