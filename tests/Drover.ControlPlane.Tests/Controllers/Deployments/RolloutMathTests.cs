using Drover.Api;
using Drover.ControlPlane.Controllers.Tests;
using static Drover.ControlPlane.Controllers.Tests.Workloads;

namespace Drover.ControlPlane.Controllers.Deployments.Tests;

public sealed class RolloutMathTests
{
    [Theory]
    [InlineData("25%", "25%", 10, 3, 2)]
    [InlineData("25%", "25%", 3, 1, 0)]
    [InlineData("25%", "25%", 1, 1, 0)]
    [InlineData("50%", "50%", 5, 3, 2)]
    [InlineData("1", "0", 3, 1, 0)]
    [InlineData("0", "1", 3, 0, 1)]
    [InlineData("100%", "0%", 4, 4, 0)]
    public void ResolveFenceposts_NumbersAndPercentages_SurgeRoundsUpUnavailableRoundsDown(string surge, string unavailable, int desired, int expectedSurge, int expectedUnavailable)
    {
        var (s, u) = RolloutMath.ResolveFenceposts(Parse(surge), Parse(unavailable), desired);

        Assert.Equal((expectedSurge, expectedUnavailable), (s, u));
    }

    [Theory]
    [InlineData("0", "0")]
    [InlineData("0", "10%")]
    [InlineData("0%", "0%")]
    public void ResolveFenceposts_BothZero_OnePodMayBeUnavailable(string surge, string unavailable)
    {
        Assert.Equal((0, 1), RolloutMath.ResolveFenceposts(Parse(surge), Parse(unavailable), 5));
    }

    [Fact]
    public void MaxUnavailable_MoreThanDesired_CappedAtDesired()
    {
        Assert.Equal(3, RolloutMath.MaxUnavailable(Deployment(3, maxSurge: 0, maxUnavailable: 5)));
    }

    [Fact]
    public void MaxSurgeAndMaxUnavailable_Recreate_Zero()
    {
        var recreate = Deployment(3, strategy: "Recreate");

        Assert.Equal(0, RolloutMath.MaxSurge(recreate));
        Assert.Equal(0, RolloutMath.MaxUnavailable(recreate));
    }

    [Fact]
    public void NewReplicaSetReplicas_RoomToSurge_GrowsByTheRoom()
    {
        var deployment = Deployment(3, maxSurge: 1, maxUnavailable: 0);
        var old = ReplicaSet("old", 3, available: 3);
        var created = ReplicaSet("new", 0);

        Assert.Equal(1, RolloutMath.NewReplicaSetReplicas(deployment, [old, created], created));
    }

    [Fact]
    public void NewReplicaSetReplicas_AtMaxTotal_Unchanged()
    {
        var deployment = Deployment(3, maxSurge: 1, maxUnavailable: 0);
        var old = ReplicaSet("old", 3, available: 3);
        var growing = ReplicaSet("new", 1);

        Assert.Equal(1, RolloutMath.NewReplicaSetReplicas(deployment, [old, growing], growing));
    }

    [Fact]
    public void NewReplicaSetReplicas_LargeSurge_NeverPastDesired()
    {
        var deployment = Deployment(3, maxSurge: "100%", maxUnavailable: 0);
        var old = ReplicaSet("old", 3, available: 3);
        var created = ReplicaSet("new", 0);

        Assert.Equal(3, RolloutMath.NewReplicaSetReplicas(deployment, [old, created], created));
    }

    [Fact]
    public void NewReplicaSetReplicas_Recreate_DesiredAtOnce()
    {
        var deployment = Deployment(4, strategy: "Recreate");
        var created = ReplicaSet("new", 0);

        Assert.Equal(4, RolloutMath.NewReplicaSetReplicas(deployment, [created], created));
    }

    [Fact]
    public void ScaleDownOld_MaxUnavailableZeroAndNewNotAvailable_NothingToDo()
    {
        var deployment = Deployment(3, maxSurge: 1, maxUnavailable: 0);
        var old = ReplicaSet("old", 3, available: 3, ageSeconds: 100);
        var growing = ReplicaSet("new", 1, available: 0);

        Assert.Empty(RolloutMath.ScaleDownOld(deployment, [old, growing], [old], growing));
    }

    [Fact]
    public void ScaleDownOld_MaxUnavailableZeroAndNewAvailable_OneOldGoes()
    {
        var deployment = Deployment(3, maxSurge: 1, maxUnavailable: 0);
        var old = ReplicaSet("old", 3, available: 3, ageSeconds: 100);
        var growing = ReplicaSet("new", 1, available: 1);

        var step = Assert.Single(RolloutMath.ScaleDownOld(deployment, [old, growing], [old], growing));

        Assert.Equal(("old", 2), (step.ReplicaSet.Metadata.Name, step.Replicas));
    }

    [Fact]
    public void ScaleDownOld_UnavailableOldReplicas_RemovedFirstWithoutCostingAvailability()
    {
        // 3 old replicas of which only 1 is available: the step removes a broken one, which costs no availability.
        var deployment = Deployment(3, maxSurge: 0, maxUnavailable: 1);
        var old = ReplicaSet("old", 3, available: 1, ageSeconds: 100);
        var created = ReplicaSet("new", 0);

        var step = Assert.Single(RolloutMath.ScaleDownOld(deployment, [old, created], [old], created));

        Assert.Equal(2, step.Replicas);
    }

    [Fact]
    public void ScaleDownOld_SeveralOldReplicaSets_OldestShrinksFirst()
    {
        var deployment = Deployment(4, maxSurge: 0, maxUnavailable: 2);
        var oldest = ReplicaSet("oldest", 2, available: 2, ageSeconds: 300);
        var older = ReplicaSet("older", 2, available: 2, ageSeconds: 200);
        var created = ReplicaSet("new", 0);

        var step = Assert.Single(RolloutMath.ScaleDownOld(deployment, [oldest, older, created], [older, oldest], created));

        Assert.Equal(("oldest", 0), (step.ReplicaSet.Metadata.Name, step.Replicas));
    }

    [Fact]
    public void Scale_OneActiveReplicaSet_TakesAllReplicas()
    {
        var deployment = Deployment(5);
        var only = ReplicaSet("only", 3, available: 3, desiredReplicas: 3);

        var step = Assert.Single(RolloutMath.Scale(deployment, only, []));

        Assert.Equal(5, step.Replicas);
    }

    [Fact]
    public void Scale_MidRollout_ProportionalToEachReplicaSetsShare()
    {
        // Kubernetes' documented example: 10 replicas, maxSurge 3, rolling (old 8 + new 5 = 13), scaled to 15.
        var deployment = Deployment(15, maxSurge: 3, maxUnavailable: 2);
        var old = ReplicaSet("old", 8, available: 8, ageSeconds: 100, maxReplicas: 13, desiredReplicas: 10);
        var rolling = ReplicaSet("new", 5, available: 0, maxReplicas: 13, desiredReplicas: 10);

        var steps = RolloutMath.Scale(deployment, rolling, [old]).ToDictionary(s => s.ReplicaSet.Metadata.Name!, s => s.Replicas);

        Assert.Equal(11, steps["old"]);
        Assert.Equal(7, steps["new"]);
        Assert.Equal(15 + 3, steps.Values.Sum());
    }

    [Fact]
    public void Scale_MidRolloutDown_ProportionalAndNeverNegative()
    {
        var deployment = Deployment(5, maxSurge: 1, maxUnavailable: 0);
        var old = ReplicaSet("old", 8, available: 8, ageSeconds: 100, maxReplicas: 11, desiredReplicas: 10);
        var rolling = ReplicaSet("new", 3, available: 0, maxReplicas: 11, desiredReplicas: 10);

        var steps = RolloutMath.Scale(deployment, rolling, [old]).ToDictionary(s => s.ReplicaSet.Metadata.Name!, s => s.Replicas);

        Assert.Equal(5 + 1, steps.Values.Sum());
        Assert.All(steps.Values, v => Assert.True(v >= 0));
        Assert.True(steps["old"] > steps["new"]);
    }

    [Fact]
    public void Scale_ToZeroMidRollout_EveryReplicaSetToZero()
    {
        var deployment = Deployment(0);
        var old = ReplicaSet("old", 2, available: 2, ageSeconds: 100, maxReplicas: 4, desiredReplicas: 3);
        var rolling = ReplicaSet("new", 2, maxReplicas: 4, desiredReplicas: 3);

        Assert.All(RolloutMath.Scale(deployment, rolling, [old]), s => Assert.Equal(0, s.Replicas));
    }

    [Fact]
    public void Scale_SaturatedNewReplicaSet_OldScaledToZero()
    {
        var deployment = Deployment(3);
        var old = ReplicaSet("old", 1, available: 1, ageSeconds: 100);
        var saturated = ReplicaSet("new", 3, available: 3, desiredReplicas: 3);

        var step = Assert.Single(RolloutMath.Scale(deployment, saturated, [old]));

        Assert.Equal(("old", 0), (step.ReplicaSet.Metadata.Name, step.Replicas));
    }

    [Fact]
    public void FindActiveOrLatest_NoneActive_NewestOld()
    {
        var older = ReplicaSet("older", 0, ageSeconds: 200);
        var newer = ReplicaSet("newer", 0, ageSeconds: 100);

        Assert.Equal("newer", RolloutMath.FindActiveOrLatest(null, [older, newer])!.Metadata.Name);
    }

    [Fact]
    public void FindActiveOrLatest_TwoActive_None()
    {
        Assert.Null(RolloutMath.FindActiveOrLatest(ReplicaSet("new", 1), [ReplicaSet("old", 2, ageSeconds: 100)]));
    }

    [Fact]
    public void Fraction_NoMaxReplicasAnnotation_FallsBackToStatusReplicas()
    {
        var deployment = Deployment(6, maxSurge: 0, maxUnavailable: 1) with { Status = new DeploymentStatus { Replicas = 3 } };

        Assert.Equal(2, RolloutMath.Fraction(ReplicaSet("rs", 2), deployment));
    }

    private static IntOrString Parse(string text) => text.EndsWith('%') ? new IntOrString(text) : new IntOrString(int.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
}
