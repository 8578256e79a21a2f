using Drover.Api;
using Drover.ControlPlane.Scheduling.Tests;

namespace Drover.ControlPlane.Controllers.DaemonSets.Tests;

public sealed class DaemonFitTests
{
    private static readonly OwnerReference Daemon = new() { ApiVersion = "apps/v1", Kind = "DaemonSet", Name = "collector", Uid = "ds-uid", Controller = true };

    [Fact]
    public void Misfit_OtherPodsLeaveTooLittleCpu_SaysWhichResourceAndTheNumbers()
    {
        var reason = DaemonFit.Misfit(Node("n1", cpu: "1"), DaemonPod("500m"), [Bound("hog", "n1", "800m")]);

        Assert.Equal("Node didn't have enough resource: cpu, requested: 500, used: 800, capacity: 1000", reason);
    }

    [Fact]
    public void Misfit_EnoughLeft_Null()
    {
        Assert.Null(DaemonFit.Misfit(Node("n1", cpu: "1"), DaemonPod("500m"), [Bound("small", "n1", "500m")]));
    }

    [Fact]
    public void Misfit_TheDaemonSetsOwnPodFinishedPodsAndOtherNodes_DoNotCount()
    {
        var own = Bound("old-daemon", "n1", "800m") with { Metadata = new ObjectMeta { Name = "old-daemon", Namespace = "ns", OwnerReferences = [Daemon] } };
        var finished = Bound("done", "n1", "800m") with { Status = new PodStatus { Phase = PodPhases.Succeeded } };
        var elsewhere = Bound("far", "n2", "800m");

        Assert.Null(DaemonFit.Misfit(Node("n1", cpu: "1"), DaemonPod("500m"), [own, finished, elsewhere]));
    }

    [Fact]
    public void Misfit_TerminatingPodStillHoldsItsRequests_DoesNotFit()
    {
        var terminating = Bound("going", "n1", "800m") with { Metadata = new ObjectMeta { Name = "going", Namespace = "ns", DeletionTimestamp = Controllers.Tests.Workloads.T0 } };

        Assert.NotNull(DaemonFit.Misfit(Node("n1", cpu: "1"), DaemonPod("500m"), [terminating]));
    }

    [Fact]
    public void Misfit_CpuAndMemoryAndPodsShort_EveryShortfallNamed()
    {
        var reason = DaemonFit.Misfit(Node("n1", cpu: "1", memory: "100Mi", pods: "1"), DaemonPod("2", memory: "1Gi"), [Bound("one", "n1", "100m")]);

        Assert.Equal(
            "Node didn't have enough resource: pods, requested: 1, used: 1, capacity: 1; "
            + "Node didn't have enough resource: cpu, requested: 2000, used: 100, capacity: 1000; "
            + "Node didn't have enough resource: memory, requested: 1073741824, used: 67108864, capacity: 104857600",
            reason);
    }

    internal static Node Node(string name, string cpu = "2", string memory = "4Gi", string pods = "110") => new()
    {
        ApiVersion = "v1",
        Kind = "Node",
        Metadata = new ObjectMeta { Name = name },
        Status = new NodeStatus
        {
            Allocatable = new Dictionary<string, Quantity>(StringComparer.Ordinal) { ["cpu"] = Quantity.Parse(cpu), ["memory"] = Quantity.Parse(memory), ["pods"] = Quantity.Parse(pods) },
        },
    };

    private static Pod DaemonPod(string cpu, string memory = "0")
    {
        var pod = TestPods.Pod("ns", "daemon", cpu) with { Metadata = new ObjectMeta { GenerateName = "collector-", Namespace = "ns", OwnerReferences = [Daemon] } };
        var container = pod.Spec.Containers[0];
        var requests = new Dictionary<string, Quantity>(StringComparer.Ordinal) { ["cpu"] = Quantity.Parse(cpu), ["memory"] = Quantity.Parse(memory) };
        return pod with { Spec = pod.Spec with { Containers = [container with { Resources = new ResourceRequirements { Requests = requests } }] } };
    }

    private static Pod Bound(string name, string node, string cpu) => TestPods.Pod("ns", name, cpu, nodeName: node) with
    {
        Status = new PodStatus { Phase = PodPhases.Running },
    };
}
