using Drover.Api;
using Drover.ControlPlane.Controllers.PodGarbageCollection;

namespace Drover.ControlPlane.Controllers.Tests;

/// <summary>Which pods the pod garbage collector picks, as Kubernetes' podgc picks them.</summary>
public sealed class PodGcSelectionTests
{
    private static Pod Terminated(string name, int ageSeconds, string phase = "Succeeded", string? reason = null)
    {
        var pod = Workloads.Pod(name, phase: phase, ageSeconds: ageSeconds);
        return pod with { Status = pod.Status! with { Reason = reason } };
    }

    [Fact]
    public void TerminatedOverThreshold_EvictedFirstThenOldestThenName_RunningNeverPicked()
    {
        var pods = new List<Pod>
        {
            Terminated("young", 10),
            Terminated("old", 100, phase: "Failed"),
            Terminated("evicted", 5, phase: "Failed", reason: "Evicted"),
            Terminated("b-same-age", 50),
            Terminated("a-same-age", 50),
            Workloads.Pod("running", ageSeconds: 1000),
            Workloads.Pod("pending", phase: "Pending", ageSeconds: 1000),
        };

        var picked = PodGcSelection.TerminatedOverThreshold(pods, threshold: 1);

        Assert.Equal(["evicted", "old", "a-same-age", "b-same-age"], picked.Select(p => p.Metadata.Name));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(3)]
    public void TerminatedOverThreshold_OffOrNotExceeded_PicksNothing(int threshold)
    {
        var pods = new List<Pod> { Terminated("a", 10), Terminated("b", 20) };
        if (threshold == 3)
            pods.Add(Workloads.Pod("running"));

        Assert.Empty(PodGcSelection.TerminatedOverThreshold(pods, threshold));
    }

    [Fact]
    public void TerminatingOutOfService_OnlyTerminatingPodsOnNotReadyTaintedNodes()
    {
        var taint = new Taint { Key = PodGcSelection.OutOfServiceTaint, Effect = "NoExecute" };
        var nodes = new Dictionary<string, Node>(StringComparer.Ordinal)
        {
            ["down"] = Node("down", ready: "False", taint),
            ["unknown"] = Node("unknown", ready: null, taint),
            ["ready-but-tainted"] = Node("ready-but-tainted", ready: "True", taint),
            ["down-untainted"] = Node("down-untainted", ready: "False"),
        };
        var pods = new List<Pod>
        {
            Terminating(Workloads.Pod("on-down", node: "down")),
            Terminating(Workloads.Pod("on-unknown", node: "unknown")),
            Workloads.Pod("alive-on-down", node: "down"),
            Terminating(Workloads.Pod("on-ready", node: "ready-but-tainted")),
            Terminating(Workloads.Pod("on-untainted", node: "down-untainted")),
            Terminating(Workloads.Pod("on-missing", node: "missing")),
        };

        var picked = PodGcSelection.TerminatingOutOfService(pods, name => nodes.GetValueOrDefault(name));

        Assert.Equal(["on-down", "on-unknown"], picked.Select(p => p.Metadata.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void MissingNodes_BoundPodsWhoseNodeIsNotCached()
    {
        var pods = new List<Pod> { Workloads.Pod("a", node: "gone"), Workloads.Pod("b", node: "gone"), Workloads.Pod("c", node: "here"), Workloads.Pod("d", node: null) };

        var missing = PodGcSelection.MissingNodes(pods, name => name == "here");

        Assert.Equal(["gone"], missing);
    }

    private static Pod Terminating(Pod pod) =>
        pod with { Metadata = pod.Metadata with { DeletionTimestamp = Workloads.T0, DeletionGracePeriodSeconds = 30 } };

    private static Node Node(string name, string? ready, params Taint[] taints) => new()
    {
        Metadata = new ObjectMeta { Name = name },
        Spec = new NodeSpec { Taints = taints.Length > 0 ? [.. taints] : null },
        Status = ready is null ? null : new NodeStatus { Conditions = [new NodeCondition { Type = "Ready", Status = ready }] },
    };
}
