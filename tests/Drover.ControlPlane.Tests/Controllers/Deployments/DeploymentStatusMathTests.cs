using Drover.Api;
using static Drover.ControlPlane.Controllers.Tests.Workloads;

namespace Drover.ControlPlane.Controllers.Deployments.Tests;

public sealed class DeploymentStatusMathTests
{
    [Fact]
    public void Calculate_MidRollout_CountsAsKubectlReadsThem()
    {
        var deployment = Deployment(3, maxSurge: 1, maxUnavailable: 0, generation: 2);
        var old = ReplicaSet("old", 3, available: 3, ageSeconds: 100);
        var rolling = ReplicaSet("new", 1, available: 0);

        var status = DeploymentStatusMath.Calculate(deployment, [old, rolling], rolling, T0);

        Assert.Equal(2, status.ObservedGeneration);
        Assert.Equal(4, status.Replicas);
        Assert.Equal(1, status.UpdatedReplicas);
        Assert.Equal(3, status.ReadyReplicas);
        Assert.Equal(3, status.AvailableReplicas);
        Assert.Equal(1, status.UnavailableReplicas);
        var available = DeploymentConditions.Get(status, DeploymentConditions.Available)!;
        Assert.Equal(("True", DeploymentConditions.MinimumReplicasAvailable), (available.Status, available.Reason));
    }

    [Fact]
    public void Calculate_BelowDesiredMinusMaxUnavailable_AvailableFalse()
    {
        var deployment = Deployment(3, maxSurge: 1, maxUnavailable: 0);
        var rs = ReplicaSet("rs", 3, available: 2);

        var status = DeploymentStatusMath.Calculate(deployment, [rs], rs, T0);

        var available = DeploymentConditions.Get(status, DeploymentConditions.Available)!;
        Assert.Equal(("False", DeploymentConditions.MinimumReplicasUnavailable), (available.Status, available.Reason));
        Assert.Equal("Deployment does not have minimum availability.", available.Message);
    }

    [Fact]
    public void Calculate_ZeroCounts_LeftOutAsOmitempty()
    {
        var deployment = Deployment(0);

        var status = DeploymentStatusMath.Calculate(deployment, [], null, T0);

        Assert.Null(status.Replicas);
        Assert.Null(status.UpdatedReplicas);
        Assert.Null(status.AvailableReplicas);
        Assert.Null(status.UnavailableReplicas);
    }

    [Fact]
    public void RolloutStatus_AllUpdatedAndAvailable_NewReplicaSetAvailable()
    {
        var deployment = Deployment(3);
        var rs = ReplicaSet("web-abc", 3, available: 3);

        var status = DeploymentStatusMath.RolloutStatus(deployment, [rs], rs, T0);

        var progressing = DeploymentConditions.Get(status, DeploymentConditions.Progressing)!;
        Assert.Equal(("True", DeploymentConditions.NewReplicaSetAvailable), (progressing.Status, progressing.Reason));
        Assert.Equal("ReplicaSet \"web-abc\" has successfully progressed.", progressing.Message);
    }

    [Fact]
    public void RolloutStatus_Progress_ReplicaSetUpdatedWithNewUpdateTimeAndKeptTransitionTime()
    {
        var created = DeploymentConditions.New(DeploymentConditions.Progressing, "True", DeploymentConditions.NewReplicaSetCreated, "Created new replica set \"web-abc\"", T0.AddMinutes(-1));
        var deployment = Deployment(3) with { Status = new DeploymentStatus { ObservedGeneration = 1, Conditions = [created] } };
        var rs = ReplicaSet("web-abc", 3, available: 1);

        var status = DeploymentStatusMath.RolloutStatus(deployment, [rs], rs, T0);

        var progressing = DeploymentConditions.Get(status, DeploymentConditions.Progressing)!;
        Assert.Equal(DeploymentConditions.ReplicaSetUpdated, progressing.Reason);
        Assert.Equal(T0, progressing.LastUpdateTime);
        Assert.Equal(T0.AddMinutes(-1), progressing.LastTransitionTime);
    }

    [Fact]
    public void RolloutStatus_NoProgressPastDeadline_ProgressDeadlineExceeded()
    {
        var updated = DeploymentConditions.New(DeploymentConditions.Progressing, "True", DeploymentConditions.ReplicaSetUpdated, "ReplicaSet \"web-abc\" is progressing.", T0.AddSeconds(-11));
        var deployment = Deployment(3, progressDeadlineSeconds: 10) with
        {
            Status = new DeploymentStatus { ObservedGeneration = 1, Replicas = 3, UpdatedReplicas = 3, UnavailableReplicas = 3, Conditions = [updated] },
        };
        var rs = ReplicaSet("web-abc", 3, available: 0);

        var status = DeploymentStatusMath.RolloutStatus(deployment, [rs], rs, T0);

        var progressing = DeploymentConditions.Get(status, DeploymentConditions.Progressing)!;
        Assert.Equal(("False", DeploymentConditions.ProgressDeadlineExceeded), (progressing.Status, progressing.Reason));
        Assert.Equal("ReplicaSet \"web-abc\" has timed out progressing.", progressing.Message);
    }

    [Fact]
    public void RolloutStatus_NoProgressWithinDeadline_ConditionUnchanged()
    {
        var updated = DeploymentConditions.New(DeploymentConditions.Progressing, "True", DeploymentConditions.ReplicaSetUpdated, "ReplicaSet \"web-abc\" is progressing.", T0.AddSeconds(-5));
        var deployment = Deployment(3, progressDeadlineSeconds: 10) with
        {
            Status = new DeploymentStatus { ObservedGeneration = 1, Replicas = 3, UpdatedReplicas = 3, UnavailableReplicas = 3, Conditions = [updated] },
        };
        var rs = ReplicaSet("web-abc", 3, available: 0);

        var status = DeploymentStatusMath.RolloutStatus(deployment, [rs], rs, T0);

        Assert.Equal(updated, DeploymentConditions.Get(status, DeploymentConditions.Progressing));
    }

    [Fact]
    public void RolloutStatus_NoProgressDeadline_NoProgressingCondition()
    {
        var deployment = Deployment(3, progressDeadlineSeconds: int.MaxValue);
        var rs = ReplicaSet("rs", 3, available: 3);

        Assert.Null(DeploymentConditions.Get(DeploymentStatusMath.RolloutStatus(deployment, [rs], rs, T0), DeploymentConditions.Progressing));
    }

    [Fact]
    public void RecheckStuckAfter_Progressing_OneSecondAfterTheDeadline()
    {
        var updated = DeploymentConditions.New(DeploymentConditions.Progressing, "True", DeploymentConditions.ReplicaSetUpdated, "m", T0.AddSeconds(-4));
        var deployment = Deployment(3, progressDeadlineSeconds: 10) with { Status = new DeploymentStatus { Conditions = [updated] } };

        var after = DeploymentStatusMath.RecheckStuckAfter(deployment, new DeploymentStatus(), T0);

        Assert.Equal(TimeSpan.FromSeconds(7), after);
    }

    [Fact]
    public void RecheckStuckAfter_TimedOut_Null()
    {
        var timedOut = DeploymentConditions.New(DeploymentConditions.Progressing, "False", DeploymentConditions.ProgressDeadlineExceeded, "m", T0);
        var deployment = Deployment(3, progressDeadlineSeconds: 10) with { Status = new DeploymentStatus { Conditions = [timedOut] } };

        Assert.Null(DeploymentStatusMath.RecheckStuckAfter(deployment, new DeploymentStatus(), T0));
    }

    [Fact]
    public void IsComplete_StatusOfOlderGeneration_False()
    {
        var deployment = Deployment(3, generation: 2);
        var status = new DeploymentStatus { ObservedGeneration = 1, Replicas = 3, UpdatedReplicas = 3, AvailableReplicas = 3 };

        Assert.False(DeploymentStatusMath.IsComplete(deployment, status));
        Assert.True(DeploymentStatusMath.IsComplete(deployment, status with { ObservedGeneration = 2 }));
    }

    [Fact]
    public void Set_SameStatusAndReason_NothingChanges()
    {
        var first = DeploymentConditions.New(DeploymentConditions.Available, "True", DeploymentConditions.MinimumReplicasAvailable, "m", T0);
        var status = new DeploymentStatus { Conditions = [first] };

        var again = DeploymentConditions.Set(status, first with { LastUpdateTime = T0.AddHours(1), LastTransitionTime = T0.AddHours(1) });

        Assert.Same(status, again);
    }

    [Fact]
    public void Set_SameStatusOtherReason_KeepsTransitionTime()
    {
        var first = DeploymentConditions.New(DeploymentConditions.Progressing, "True", DeploymentConditions.NewReplicaSetCreated, "m", T0);
        var status = new DeploymentStatus { Conditions = [first] };

        var next = DeploymentConditions.Set(status, DeploymentConditions.New(DeploymentConditions.Progressing, "True", DeploymentConditions.NewReplicaSetAvailable, "m", T0.AddMinutes(1)));

        var progressing = DeploymentConditions.Get(next, DeploymentConditions.Progressing)!;
        Assert.Equal(DeploymentConditions.NewReplicaSetAvailable, progressing.Reason);
        Assert.Equal(T0, progressing.LastTransitionTime);
        Assert.Equal(T0.AddMinutes(1), progressing.LastUpdateTime);
    }
}
