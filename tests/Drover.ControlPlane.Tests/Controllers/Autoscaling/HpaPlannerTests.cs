using Drover.Api;
using Drover.ControlPlane.Controllers.Autoscaling;
using static Drover.ControlPlane.Controllers.Autoscaling.Tests.HpaFixtures;
using Drover.ControlPlane.ResourceMetrics;

namespace Drover.ControlPlane.Controllers.Autoscaling.Tests;

public sealed class HpaPlannerTests
{
    private readonly HpaPlanner _planner = new(new HpaOptions());

    private HpaPlan Plan(HorizontalPodAutoscaler hpa, int specReplicas, IReadOnlyList<Pod> pods, Dictionary<string, PodUsage> cpu) =>
        _planner.Plan(hpa, specReplicas, pods, resource => resource == "cpu" ? cpu : new Dictionary<string, PodUsage>(), new ScalingHistory(), Now);

    [Fact]
    public void AboveTarget_RescalesWithReasonAndReportsUtilization()
    {
        var plan = Plan(Hpa(), 2, Pods(2), Usage(1400, 1400));

        Assert.True(plan.Rescale);
        Assert.Equal(4, plan.DesiredReplicas);
        Assert.Equal("cpu resource utilization (percentage of request) above target", plan.RescaleReason);
        var metric = Assert.Single(plan.CurrentMetrics);
        Assert.Equal("Resource", metric.Type);
        Assert.Equal("cpu", metric.Resource!.Name);
        Assert.Equal(140, metric.Resource.Current.AverageUtilization);
        Assert.Equal("1400m", metric.Resource.Current.AverageValue!.Value.ToString());
        AssertCondition(plan, HpaConditions.ScalingActive, "True", "ValidMetricFound");
        AssertCondition(plan, HpaConditions.AbleToScale, "True", "ReadyForNewScale");
        AssertCondition(plan, HpaConditions.ScalingLimited, "False", "DesiredWithinRange");
    }

    [Fact]
    public void WithinTolerance_NoRescale()
    {
        var plan = Plan(Hpa(), 3, Pods(3), Usage(700, 720, 680));

        Assert.False(plan.Rescale);
        Assert.Equal(3, plan.DesiredReplicas);
    }

    [Fact]
    public void IdleBelowMin_ClampedToMinReplicasWithLimitedCondition()
    {
        var plan = Plan(Hpa(min: 2), 3, Pods(3), Usage(10, 10, 10));

        Assert.Equal(2, plan.DesiredReplicas);
        Assert.Equal("All metrics below target", plan.RescaleReason);
        AssertCondition(plan, HpaConditions.ScalingLimited, "True", "TooFewReplicas");
    }

    [Fact]
    public void TargetAboveMax_ScaledToMaxWithoutMetrics()
    {
        var plan = Plan(Hpa(max: 10), 12, Pods(12), Usage());

        Assert.True(plan.Rescale);
        Assert.Equal(10, plan.DesiredReplicas);
        Assert.Equal("Current number of replicas above Spec.MaxReplicas", plan.RescaleReason);
    }

    [Fact]
    public void TargetScaledToZero_ScalingDisabled()
    {
        var plan = Plan(Hpa(), 0, [], Usage());

        Assert.False(plan.Rescale);
        Assert.Equal(0, plan.DesiredReplicas);
        AssertCondition(plan, HpaConditions.ScalingActive, "False", "ScalingDisabled");
    }

    [Fact]
    public void PodsWithoutCpuRequests_ConditionAndWarningNameThePod_NoRescale()
    {
        var plan = Plan(Hpa(), 2, Pods(2, cpuRequest: null), Usage(900, 900));

        Assert.False(plan.Rescale);
        Assert.Equal(2, plan.DesiredReplicas);
        var condition = AssertCondition(plan, HpaConditions.ScalingActive, "False", "FailedGetResourceMetric");
        Assert.Equal("the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container app of Pod p-1", condition.Message);
        Assert.Equal("FailedComputeMetricsReplicas", plan.Warning!.Value.Reason);
        Assert.Equal("invalid metrics (1 invalid out of 1), first error is: failed to get cpu utilization: missing request for cpu in container app of Pod p-1", plan.Warning.Value.Message);
    }

    [Fact]
    public void OneMetricInvalid_ScaleUpFromTheOtherStillHappens_ScaleDownDoesNot()
    {
        var hpa = Hpa() with
        {
            Spec = Hpa().Spec with
            {
                Metrics =
                [
                    .. Hpa().Spec.Metrics!,
                    new MetricSpec { Type = "Resource", Resource = new ResourceMetricSource { Name = "memory", Target = new MetricTarget { Type = "AverageValue", AverageValue = Quantity.Parse("100Mi") } } },
                ],
            },
        };

        var up = Plan(hpa, 2, Pods(2), Usage(1400, 1400)); // memory has no samples at all
        var down = Plan(hpa, 4, Pods(4), Usage(100, 100, 100, 100));

        Assert.True(up.Rescale);
        Assert.Equal(4, up.DesiredReplicas);
        Assert.False(down.Rescale);
        Assert.NotNull(down.Warning);
    }

    [Fact]
    public void ConditionTransitionTime_KeptWhileStatusUnchanged()
    {
        var earlier = Now.AddMinutes(-3);
        var hpa = Hpa() with
        {
            Status = new HorizontalPodAutoscalerStatus
            {
                Conditions = [new HorizontalPodAutoscalerCondition { Type = HpaConditions.ScalingActive, Status = "True", Reason = "ValidMetricFound", LastTransitionTime = earlier }],
            },
        };

        var plan = Plan(hpa, 2, Pods(2), Usage(700, 700));

        Assert.Equal(earlier, plan.Conditions.Find(HpaConditions.ScalingActive)!.LastTransitionTime);
        Assert.Equal(Now, plan.Conditions.Find(HpaConditions.AbleToScale)!.LastTransitionTime);
    }

    private static HorizontalPodAutoscalerCondition AssertCondition(HpaPlan plan, string type, string status, string reason)
    {
        var condition = plan.Conditions.Find(type);
        Assert.NotNull(condition);
        Assert.Equal((status, reason), (condition.Status, condition.Reason));
        return condition;
    }
}
