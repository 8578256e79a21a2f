using Drover.Api;
using Drover.Cli.Pods;
using static Drover.Cli.Pods.Tests.PodOrderSamples;

namespace Drover.Cli.Pods.Tests;

/// <summary>The pod `exec`/`port-forward` TYPE/NAME use: kubectl's sort.Reverse(podutils.ActivePods), one rule at a time.</summary>
public sealed class AttachOrderTests
{
    private static string First(params Pod[] pods) => FirstIn(AttachOrder.Instance, pods);

    [Fact]
    public void Order_BoundBeforeUnbound() =>
        Assert.Equal("bound", First(Pod("unbound", node: null, ageSeconds: 9999), Pod("bound")));

    [Fact]
    public void Order_RunningBeforeUnknownBeforePending()
    {
        Assert.Equal("running", First(Pod("pending", phase: "Pending"), Pod("unknown", phase: "Unknown"), Pod("running", ready: false)));
        Assert.Equal("unknown", First(Pod("pending", phase: "Pending"), Pod("unknown", phase: "Unknown")));
    }

    [Fact]
    public void Order_SucceededRanksWithPending_UnlikeLogs() =>
        // Succeeded is not in ActivePods' map: it reads as Pending's 0, so a Running pod wins even when younger.
        Assert.Equal("running", First(Pod("succeeded", phase: "Succeeded", ready: false, ageSeconds: 900), Pod("running", ready: false, ageSeconds: 10)));

    [Fact]
    public void Order_ReadyBeforeNotReady_ThenReadyLongest() =>
        Assert.Equal("long-ready", First(Pod("not-ready", ready: false), Pod("just-ready", readyForSeconds: 5), Pod("long-ready", readyForSeconds: 500)));

    [Fact]
    public void Order_FewerRestartsFirst_UnlikeLogs_ThenOldest()
    {
        Assert.Equal("calm", First(Pod("restarted", ready: false, restarts: 2, ageSeconds: 900), Pod("calm", ready: false, ageSeconds: 10)));
        Assert.Equal("old", First(Pod("young", ready: false, ageSeconds: 10), Pod("old", ready: false, ageSeconds: 900)));
    }
}
