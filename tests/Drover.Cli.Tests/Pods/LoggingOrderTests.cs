using Drover.Api;
using Drover.Cli.Pods;
using static Drover.Cli.Pods.Tests.PodOrderSamples;

namespace Drover.Cli.Pods.Tests;

/// <summary>The pod `logs TYPE/NAME` reads: kubectl's podutils.ByLogging, one rule at a time.</summary>
public sealed class LoggingOrderTests
{
    private static string First(params Pod[] pods) => FirstIn(LoggingOrder.Instance, pods);

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
    public void Order_SucceededRanksWithRunning_AsKubectlsPhaseMapReadsIt() =>
        // Succeeded is not in kubectl's map: it reads as Running's 0, and the older pod wins the tie.
        Assert.Equal("succeeded", First(Pod("running", ready: false, ageSeconds: 10), Pod("succeeded", phase: "Succeeded", ready: false, ageSeconds: 20)));

    [Fact]
    public void Order_ReadyBeforeNotReady_ThenReadyLongest() =>
        Assert.Equal("long-ready", First(Pod("not-ready", ready: false, restarts: 9), Pod("just-ready", readyForSeconds: 5), Pod("long-ready", readyForSeconds: 500)));

    [Fact]
    public void Order_MoreRestartsFirst_ThenOldest()
    {
        Assert.Equal("restarted", First(Pod("calm", ready: false, ageSeconds: 900), Pod("restarted", ready: false, restarts: 2, ageSeconds: 10)));
        Assert.Equal("old", First(Pod("young", ready: false, ageSeconds: 10), Pod("old", ready: false, ageSeconds: 900)));
    }
}
