using Drover.Api;
using Drover.Cli.Rollout;

namespace Drover.Cli.Rollout.Tests;

public sealed class RolloutStatusTests
{
    private static RolloutState Of(DeploymentStatus status, int replicas = 3, long generation = 2) =>
        RolloutStatus.Of(RolloutObjects.Deployment(replicas, generation, status));

    [Fact]
    public void Of_GenerationNotObserved_WaitsForSpecUpdate()
    {
        var state = Of(new DeploymentStatus { ObservedGeneration = 1, Replicas = 3, UpdatedReplicas = 3, AvailableReplicas = 3 });
        Assert.Equal(new RolloutState("Waiting for deployment spec update to be observed...", false), state);
    }

    [Fact]
    public void Of_NoStatusYet_WaitsForSpecUpdate() =>
        Assert.Equal("Waiting for deployment spec update to be observed...", RolloutStatus.Of(RolloutObjects.Deployment()).Message);

    [Fact]
    public void Of_FewerUpdatedThanDesired_CountsNewReplicas() =>
        Assert.Equal(
            new RolloutState("Waiting for deployment \"my-app\" rollout to finish: 1 out of 3 new replicas have been updated...", false),
            Of(new DeploymentStatus { ObservedGeneration = 2, Replicas = 4, UpdatedReplicas = 1, AvailableReplicas = 3 }));

    [Fact]
    public void Of_OldReplicasLeft_CountsPendingTermination() =>
        Assert.Equal(
            new RolloutState("Waiting for deployment \"my-app\" rollout to finish: 1 old replicas are pending termination...", false),
            Of(new DeploymentStatus { ObservedGeneration = 2, Replicas = 4, UpdatedReplicas = 3, AvailableReplicas = 3 }));

    [Fact]
    public void Of_UpdatedNotAllAvailable_CountsAvailable() =>
        Assert.Equal(
            new RolloutState("Waiting for deployment \"my-app\" rollout to finish: 2 of 3 updated replicas are available...", false),
            Of(new DeploymentStatus { ObservedGeneration = 2, Replicas = 3, UpdatedReplicas = 3, AvailableReplicas = 2 }));

    [Fact]
    public void Of_AllUpdatedAndAvailable_SuccessfullyRolledOut() =>
        Assert.Equal(
            new RolloutState("deployment \"my-app\" successfully rolled out", true),
            Of(new DeploymentStatus { ObservedGeneration = 2, Replicas = 3, UpdatedReplicas = 3, AvailableReplicas = 3 }));

    [Fact]
    public void Of_ScaledToZero_SuccessfullyRolledOut() =>
        Assert.True(Of(new DeploymentStatus { ObservedGeneration = 2 }, replicas: 0).Done);

    [Fact]
    public void Of_ProgressDeadlineExceeded_FailsWithKubectlMessage()
    {
        var status = new DeploymentStatus
        {
            ObservedGeneration = 2,
            Replicas = 4,
            UpdatedReplicas = 1,
            Conditions = [new DeploymentCondition { Type = "Progressing", Status = "False", Reason = RolloutStatus.TimedOutReason }],
        };
        var e = Assert.Throws<CliException>(() => Of(status));
        Assert.Equal("error: deployment \"my-app\" exceeded its progress deadline", e.Message);
    }

    [Fact]
    public void Of_ProgressingForAnotherReason_KeepsWaiting()
    {
        var status = new DeploymentStatus
        {
            ObservedGeneration = 2,
            Replicas = 3,
            UpdatedReplicas = 2,
            Conditions = [new DeploymentCondition { Type = "Progressing", Status = "True", Reason = "ReplicaSetUpdated" }],
        };
        Assert.False(Of(status).Done);
    }

    [Fact]
    public void Of_DeadlineExceededButSpecNotObserved_StillWaits()
    {
        // A new spec restarts the clock: the old failure says nothing about it.
        var status = new DeploymentStatus
        {
            ObservedGeneration = 1,
            Conditions = [new DeploymentCondition { Type = "Progressing", Status = "False", Reason = RolloutStatus.TimedOutReason }],
        };
        Assert.False(Of(status).Done);
    }

    [Fact]
    public void Of_PinnedRevisionDiffers_Fails()
    {
        var e = Assert.Throws<CliException>(() => RolloutStatus.Of(RolloutObjects.Deployment(), revision: 1));
        Assert.Equal("error: desired revision (1) is different from the running revision (2)", e.Message);
    }

    [Fact]
    public void Of_PinnedRevisionMatches_Reports() =>
        Assert.False(RolloutStatus.Of(RolloutObjects.Deployment(), revision: 2).Done);
}
