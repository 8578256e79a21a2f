using Drover.Api;
using Drover.ControlPlane.Controllers.Autoscaling;
using static Drover.ControlPlane.Controllers.Autoscaling.Tests.HpaFixtures;

namespace Drover.ControlPlane.Controllers.Autoscaling.Tests;

public sealed class ReplicaNormalizerTests
{
    private static readonly TimeSpan FiveMinutes = TimeSpan.FromMinutes(5);

    private static ScaleDecision Normalize(HorizontalPodAutoscalerSpec spec, ScalingHistory history, int current, int proposed, DateTimeOffset at) =>
        ReplicaNormalizer.Normalize(spec, history, current, proposed, FiveMinutes, at);

    [Fact]
    public void NoBehavior_ScaleDown_HeldAtHighestRecommendationOfWindow()
    {
        var spec = Hpa(min: 1).Spec;
        var history = new ScalingHistory();

        Assert.Equal(5, Normalize(spec, history, 5, 5, Now).Replicas);
        var held = Normalize(spec, history, 5, 2, Now.AddMinutes(1));
        var released = Normalize(spec, history, 5, 2, Now.AddMinutes(5).AddSeconds(1));

        Assert.Equal(5, held.Replicas);
        Assert.Equal("ScaleDownStabilized", held.AbleToScaleReason);
        Assert.Equal(2, released.Replicas); // the 5 has left the window; the 2 from minute 1 is no higher
        Assert.Equal("ReadyForNewScale", released.AbleToScaleReason);
    }

    [Fact]
    public void NoBehavior_ScaleUp_ImmediateButAtMostDoubleOrFour()
    {
        var spec = Hpa(min: 1, max: 100).Spec;

        var fromTwo = Normalize(spec, new ScalingHistory(), 2, 20, Now);
        var fromTen = Normalize(spec, new ScalingHistory(), 10, 15, Now);

        Assert.Equal(4, fromTwo.Replicas);
        Assert.True(fromTwo.Limited);
        Assert.Equal("ScaleUpLimit", fromTwo.LimitedReason);
        Assert.Equal(15, fromTen.Replicas);
        Assert.False(fromTen.Limited);
        Assert.Equal("DesiredWithinRange", fromTen.LimitedReason);
    }

    [Theory]
    [InlineData(1, 2, "TooFewReplicas")]
    [InlineData(14, 10, "TooManyReplicas")]
    public void NoBehavior_ClampedToMinAndMax(int proposed, int expected, string reason)
    {
        var decision = Normalize(Hpa(min: 2, max: 10).Spec, new ScalingHistory(), 8, proposed, Now);

        Assert.Equal(expected, decision.Replicas);
        Assert.True(decision.Limited);
        Assert.Equal(reason, decision.LimitedReason);
    }

    [Fact]
    public void DownscaleWindow_IsConfigurable()
    {
        var spec = Hpa(min: 1).Spec;
        var history = new ScalingHistory();
        ReplicaNormalizer.Normalize(spec, history, 5, 5, TimeSpan.FromSeconds(10), Now);

        var decision = ReplicaNormalizer.Normalize(spec, history, 5, 2, TimeSpan.FromSeconds(10), Now.AddSeconds(11));

        Assert.Equal(2, decision.Replicas);
    }

    [Fact]
    public void Behavior_DefaultScaleUpPolicies_MostPermissiveOfFourPodsOrDoublePer15s()
    {
        var spec = Hpa(min: 1, max: 20, behavior: DefaultBehavior()).Spec;
        var history = new ScalingHistory();

        var first = Normalize(spec, history, 2, 10, Now);
        ReplicaNormalizer.RecordScale(spec, history, 2, first.Replicas, Now);
        var withinPeriod = Normalize(spec, history, first.Replicas, 10, Now.AddSeconds(5));
        var nextPeriod = Normalize(spec, history, first.Replicas, 10, Now.AddSeconds(16));

        Assert.Equal(6, first.Replicas); // max(2 + 4 pods, 2 × 200 %) = 6
        Assert.Equal("ScaleUpLimit", first.LimitedReason);
        Assert.Equal(6, withinPeriod.Replicas); // the period started at 2: nothing more until it passes
        Assert.Equal(10, nextPeriod.Replicas);
        Assert.False(nextPeriod.Limited);
    }

    [Fact]
    public void Behavior_ScaleDownOnePodPerMinute()
    {
        var behavior = DefaultBehavior() with
        {
            ScaleDown = new HpaScalingRules
            {
                StabilizationWindowSeconds = 0,
                SelectPolicy = "Max",
                Policies = [new HpaScalingPolicy { Type = "Pods", Value = 1, PeriodSeconds = 60 }],
            },
        };
        var spec = Hpa(min: 1, behavior: behavior).Spec;
        var history = new ScalingHistory();

        var first = Normalize(spec, history, 5, 1, Now);
        ReplicaNormalizer.RecordScale(spec, history, 5, first.Replicas, Now);
        var soon = Normalize(spec, history, 4, 1, Now.AddSeconds(30));
        var later = Normalize(spec, history, 4, 1, Now.AddSeconds(61));

        Assert.Equal(4, first.Replicas);
        Assert.Equal("ScaleDownLimit", first.LimitedReason);
        Assert.Equal(4, soon.Replicas);
        Assert.Equal(3, later.Replicas);
    }

    [Fact]
    public void Behavior_SelectPolicyDisabled_NeverScalesThatWay()
    {
        var behavior = DefaultBehavior() with { ScaleDown = new HpaScalingRules { StabilizationWindowSeconds = 0, SelectPolicy = "Disabled", Policies = [] } };

        var decision = Normalize(Hpa(min: 1, behavior: behavior).Spec, new ScalingHistory(), 5, 1, Now);

        Assert.Equal(5, decision.Replicas);
    }

    [Fact]
    public void Behavior_ScaleUpStabilizationWindow_HeldAtLowestRecommendation()
    {
        var behavior = DefaultBehavior() with
        {
            ScaleUp = DefaultBehavior().ScaleUp! with { StabilizationWindowSeconds = 60 },
        };
        var spec = Hpa(min: 1, behavior: behavior).Spec;
        var history = new ScalingHistory();

        Normalize(spec, history, 3, 3, Now);
        var held = Normalize(spec, history, 3, 6, Now.AddSeconds(10));
        var released = Normalize(spec, history, 3, 6, Now.AddSeconds(61));

        Assert.Equal(3, held.Replicas);
        Assert.Equal("ScaleUpStabilized", held.AbleToScaleReason);
        Assert.Equal(6, released.Replicas);
    }

    [Fact]
    public void Behavior_ScaleDownWithoutWindow_UsesControllerDefault()
    {
        var spec = Hpa(min: 1, behavior: DefaultBehavior()).Spec; // scaleDown.stabilizationWindowSeconds unset
        var history = new ScalingHistory();
        Normalize(spec, history, 5, 5, Now);

        Assert.Equal(5, Normalize(spec, history, 5, 2, Now.AddMinutes(4)).Replicas);
        Assert.Equal(2, Normalize(spec, history, 5, 2, Now.AddMinutes(5).AddSeconds(1)).Replicas);
    }

    /// <summary>What the API's defaulting gives an HPA with an empty behavior.</summary>
    private static HorizontalPodAutoscalerBehavior DefaultBehavior() => new()
    {
        ScaleUp = new HpaScalingRules
        {
            StabilizationWindowSeconds = 0,
            SelectPolicy = "Max",
            Policies = [new HpaScalingPolicy { Type = "Pods", Value = 4, PeriodSeconds = 15 }, new HpaScalingPolicy { Type = "Percent", Value = 100, PeriodSeconds = 15 }],
        },
        ScaleDown = new HpaScalingRules
        {
            SelectPolicy = "Max",
            Policies = [new HpaScalingPolicy { Type = "Percent", Value = 100, PeriodSeconds = 15 }],
        },
    };
}
