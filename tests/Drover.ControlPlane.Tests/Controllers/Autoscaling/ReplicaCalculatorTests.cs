using Drover.ControlPlane.Controllers.Autoscaling;
using static Drover.ControlPlane.Controllers.Autoscaling.Tests.HpaFixtures;

namespace Drover.ControlPlane.Controllers.Autoscaling.Tests;

public sealed class ReplicaCalculatorTests
{
    private readonly ReplicaCalculator _calculator = new(new ReplicaCalculatorOptions());

    [Theory]
    [InlineData(700, 3)] // exactly on target
    [InlineData(760, 3)] // 76 % / 70 % = 1.086: within the 10 % tolerance
    [InlineData(640, 3)] // 64 % / 70 % = 0.914: within the tolerance on the way down too
    [InlineData(1400, 6)] // twice the target: twice the pods
    [InlineData(800, 4)] // 80 % / 70 % = 1.143 → ceil(3.43)
    [InlineData(350, 2)] // half the target: ceil(1.5)
    [InlineData(0, 0)] // idle: the calculator says 0; minReplicas clamps later
    public void Utilization_AllPodsReady_CeilOfRatioTimesPods(long millicoresEach, int expected)
    {
        var proposal = _calculator.ForUtilization(3, 70, "cpu", Pods(3), Usage(millicoresEach, millicoresEach, millicoresEach), Now);

        Assert.Null(proposal.Error);
        Assert.Equal(expected, proposal.Replicas);
        Assert.Equal((int)(millicoresEach * 100 / 1000), proposal.Utilization);
        Assert.Equal(millicoresEach, proposal.AverageMilliValue);
    }

    [Fact]
    public void Utilization_ScaleUpWithPodMissingSample_MissingCountsAsZero()
    {
        // Ratio 2 from the three sampled pods; the fourth counted at 0 → 4,200 / 4,000 = 105 % → ratio 1.5 → 6.
        var proposal = _calculator.ForUtilization(4, 70, "cpu", Pods(4), Usage(1400, 1400, 1400, null), Now);

        Assert.Equal(6, proposal.Replicas);
        Assert.Equal(140, proposal.Utilization); // the status reports what was measured, not the guess
    }

    [Fact]
    public void Utilization_ScaleDownWithPodMissingSample_MissingCountsAsFullRequest()
    {
        // 35 % on three pods, the fourth taken at 100 % → 2,050 / 4,000 = 51 % → ratio 0.729 → ceil(2.91) = 3.
        var proposal = _calculator.ForUtilization(4, 70, "cpu", Pods(4), Usage(350, 350, 350, null), Now);

        Assert.Equal(3, proposal.Replicas);
    }

    [Fact]
    public void Utilization_MissingSampleWouldFlipDirection_KeepsCurrent()
    {
        // 80 % / 70 % on one pod says up; three pods without samples at 0 pull the average to 20 %: no change at all.
        var proposal = _calculator.ForUtilization(4, 70, "cpu", Pods(4), Usage(800, null, null, null), Now);

        Assert.Equal(4, proposal.Replicas);
    }

    [Fact]
    public void Utilization_ScaleUpWithPendingPod_PendingCountsAsZero()
    {
        var pods = new[] { Pod("p-1"), Pod("p-2"), Pod("p-3", phase: "Pending") };

        // 2,800 / 3,000 = 93 % with the pending pod at 0 → ratio 1.33 → ceil(3.98) = 4.
        var hot = _calculator.ForUtilization(3, 70, "cpu", pods, Usage(1400, 1400), Now);
        // 110 % on the two ready pods alone would ask for 4; with the pending pod at 0 it is 73 %: within tolerance.
        var warm = _calculator.ForUtilization(3, 70, "cpu", pods, Usage(1100, 1100), Now);

        Assert.Equal(4, hot.Replicas);
        Assert.Equal(3, warm.Replicas);
    }

    [Fact]
    public void Utilization_ScaleDownWithNotReadyPod_NotReadyLeftOut()
    {
        var pods = new[] { Pod("p-1"), Pod("p-2"), Pod("p-3", ready: "False", startedAgo: TimeSpan.FromSeconds(20), readySinceAgo: TimeSpan.FromSeconds(15)) };

        var proposal = _calculator.ForUtilization(3, 70, "cpu", pods, Usage(350, 350, 900), Now);

        Assert.Equal(1, proposal.Replicas); // ceil(0.5 × 2 ready): the not-ready pod's 900m never counted
    }

    [Fact]
    public void Utilization_PodJustBecameReadyWithinInitialisation_SampleLeftOut()
    {
        // Started a minute ago, ready 10 s ago: the 15 s sample still covers start-up, so it does not count.
        var pods = new[] { Pod("p-1"), Pod("p-2", startedAgo: TimeSpan.FromMinutes(1), readySinceAgo: TimeSpan.FromSeconds(10)) };

        var proposal = _calculator.ForUtilization(2, 70, "cpu", pods, Usage(700, 5000), Now);

        Assert.Equal(2, proposal.Replicas); // only p-1 counts: on target
        Assert.Equal(70, proposal.Utilization);
    }

    [Fact]
    public void Utilization_TerminatingAndFailedPods_Ignored()
    {
        var pods = new[] { Pod("p-1"), Pod("p-2", deleting: true), Pod("p-3", phase: "Failed") };

        var proposal = _calculator.ForUtilization(3, 70, "cpu", pods, Usage(1400, 0, 0), Now);

        Assert.Equal(2, proposal.Replicas); // ceil(2 × 1): only p-1 counts, and nothing is guessed for the others
    }

    [Fact]
    public void Utilization_PodWithoutCpuRequest_ErrorNamesContainerAndPod()
    {
        var pods = new[] { Pod("p-1"), Pod("p-2", cpuRequest: null) };

        var proposal = _calculator.ForUtilization(2, 70, "cpu", pods, Usage(700, 700), Now);

        Assert.Equal(-1, proposal.Replicas);
        Assert.Equal("missing request for cpu in container app of Pod p-2", proposal.Error);
    }

    [Fact]
    public void Utilization_NoPods_Error()
    {
        var proposal = _calculator.ForUtilization(2, 70, "cpu", [], Usage(), Now);

        Assert.Equal("no pods returned by selector while calculating replica count", proposal.Error);
    }

    [Fact]
    public void Utilization_NoSampleForAnyReadyPod_Error()
    {
        var proposal = _calculator.ForUtilization(2, 70, "cpu", Pods(2), Usage(null, null), Now);

        Assert.Equal("did not receive metrics for targeted pods (pods might be unready)", proposal.Error);
    }

    [Theory]
    [InlineData(1000, 500, 6)] // twice the target average
    [InlineData(520, 500, 3)] // within tolerance
    [InlineData(100, 500, 1)] // a fifth: ceil(0.6)
    public void AverageValue_RatioOfAverageToTarget(long millicoresEach, long target, int expected)
    {
        var proposal = _calculator.ForAverageValue(3, target, "cpu", Pods(3), Usage(millicoresEach, millicoresEach, millicoresEach), Now);

        Assert.Null(proposal.Error);
        Assert.Equal(expected, proposal.Replicas);
        Assert.Null(proposal.Utilization);
    }

    [Fact]
    public void AverageValue_PodsWithoutRequests_StillWork()
    {
        var proposal = _calculator.ForAverageValue(2, 500, "cpu", Pods(2, cpuRequest: null), Usage(1000, 1000), Now);

        Assert.Equal(4, proposal.Replicas);
    }

    [Fact]
    public void Tolerance_IsConfigurable()
    {
        var strict = new ReplicaCalculator(new ReplicaCalculatorOptions { Tolerance = 0.01 });

        var proposal = strict.ForUtilization(3, 70, "cpu", Pods(3), Usage(760, 760, 760), Now);

        Assert.Equal(4, proposal.Replicas); // 1.086 × 3 → 4 once the tolerance is 1 %
    }
}
