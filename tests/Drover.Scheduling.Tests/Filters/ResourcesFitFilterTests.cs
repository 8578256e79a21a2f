using static Drover.Scheduling.Tests.Objects;

namespace Drover.Scheduling.Tests;

public sealed class ResourcesFitFilterTests
{
    [Fact]
    public void Filter_FitsExactly_Kept()
    {
        var cluster = Snapshot(Node("a", cpu: "1", memory: "1Gi"));
        cluster.Assume(Info("other", "400m", "512Mi"), "a");

        var outcome = Harness.Filter(new ResourcesFitFilter(), cluster, Info("p", "600m", "512Mi"));

        Assert.Equal(["a"], outcome.Kept);
    }

    [Fact]
    public void Filter_CpuShort_InsufficientCpu()
    {
        var cluster = Snapshot(Node("a", cpu: "1"));
        cluster.Assume(Info("other", "500m"), "a");

        var outcome = Harness.Filter(new ResourcesFitFilter(), cluster, Info("p", "501m"));

        Assert.Equal([("a", "NodeResourcesFit", "Insufficient cpu")], outcome.Rejected);
    }

    [Fact]
    public void Filter_MemoryShort_InsufficientMemory()
    {
        var outcome = Harness.Filter(new ResourcesFitFilter(), Snapshot(Node("a", memory: "1Gi")), Info("p", memory: "1025Mi"));

        Assert.Equal(["Insufficient memory"], outcome.ReasonsFor("a"));
    }

    [Fact]
    public void Filter_PodSlotsUsedUp_TooManyPods()
    {
        var cluster = Snapshot(Node("a", pods: 2));
        cluster.Assume(Info("x"), "a");
        cluster.Assume(Info("y"), "a");

        var outcome = Harness.Filter(new ResourcesFitFilter(), cluster, Info("p"));

        Assert.Equal(["Too many pods"], outcome.ReasonsFor("a"));
    }

    [Fact]
    public void Filter_EverythingShort_AllThreeReasonsForOneNode()
    {
        var cluster = Snapshot(Node("a", cpu: "1", memory: "1Gi", pods: 1));
        cluster.Assume(Info("x", "1", "1Gi"), "a");

        var outcome = Harness.Filter(new ResourcesFitFilter(), cluster, Info("p", "1m", "1"));

        Assert.Equal(["Too many pods", "Insufficient cpu", "Insufficient memory"], outcome.ReasonsFor("a"));
    }

    [Fact]
    public void Filter_NoRequestsOnFullNode_OnlyPodCountMatters()
    {
        var cluster = Snapshot(Node("a", cpu: "1", memory: "1Gi"));
        cluster.Assume(Info("x", "2", "2Gi"), "a");

        Assert.Equal(["a"], Harness.Filter(new ResourcesFitFilter(), cluster, Info("p")).Kept);
    }

    [Fact]
    public void Filter_AfterForget_FitsAgain()
    {
        var cluster = Snapshot(Node("a", cpu: "1"));
        var big = Info("big", "1");
        cluster.Assume(big, "a");
        Assert.Empty(Harness.Filter(new ResourcesFitFilter(), cluster, Info("p", "1")).Kept);

        cluster.Forget(big);

        Assert.Equal(["a"], Harness.Filter(new ResourcesFitFilter(), cluster, Info("p", "1")).Kept);
    }
}
