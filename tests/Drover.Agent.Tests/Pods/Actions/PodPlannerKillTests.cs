using Drover.Api;
using CriV1 = Drover.Agent.Cri.V1;
using static Drover.Agent.Pods.Actions.Tests.PodSyncCase;

namespace Drover.Agent.Pods.Actions.Tests;

/// <summary>Running containers the plan stops: a liveness probe gave up, or the spec changed; and a pod that has finished.</summary>
public sealed class PodPlannerKillTests
{
    private const string Unhealthy = "Container app failed liveness probe, will be restarted";

    [Theory]
    [InlineData("Always", true)]
    [InlineData("OnFailure", true)]
    [InlineData("Never", false)]
    public void ComputePodActions_LivenessFailed_KilledAndRestartedUnlessNever(string policy, bool restarted)
    {
        var plan = PodPlanner.ComputePodActions(Input(Pod(policy), InSandbox(Running("c1", attempt: 1))).With(unhealthy: new Dictionary<string, string> { ["c1"] = Unhealthy }));

        Assert.Equal(new ContainerToKill("c1", "app", Unhealthy), Assert.Single(plan.ContainersToKill));
        if (restarted)
        {
            // Whatever its exit code: OnFailure restarts a container killed for its liveness too.
            var start = Assert.Single(plan.ContainersToStart);
            Assert.Equal((2u, true), (start.Attempt, start.IsRestart));
        }
        else
        {
            Assert.Empty(plan.ContainersToStart);
        }
    }

    [Fact]
    public void ComputePodActions_LivenessFailedWithinBackoff_KilledThenWaits()
    {
        var history = NewHistory();
        history.Restarted("app", T0.AddSeconds(-5));

        var plan = PodPlanner.ComputePodActions(Input(Pod(), InSandbox(Running("c1", attempt: 1)), history).With(unhealthy: new Dictionary<string, string> { ["c1"] = Unhealthy }));

        // It finishes now; the back-off counts from then.
        Assert.Single(plan.ContainersToKill);
        Assert.Empty(plan.ContainersToStart);
        var wait = plan.Waiting["app"];
        Assert.Equal(("CrashLoopBackOff", "c1", T0.AddSeconds(10)), (wait.Reason, wait.ContainerId, wait.Until));
    }

    [Fact]
    public void ComputePodActions_LivenessOfAnotherContainer_KeepsThisOne()
    {
        var plan = PodPlanner.ComputePodActions(Input(Pod(), InSandbox(Running("c1"))).With(unhealthy: new Dictionary<string, string> { ["gone"] = Unhealthy }));

        Assert.True(plan.IsEmpty);
    }

    [Theory]
    [InlineData("Always")]
    [InlineData("OnFailure")]
    [InlineData("Never")]
    public void ComputePodActions_ImageChanged_KilledAndRestartedWhateverThePolicyAndBackoff(string policy)
    {
        var history = NewHistory();
        history.Restarted("app", T0.AddSeconds(-1));
        var v2 = PodSyncCase.App with { Image = "my-app:v2.0" };

        var plan = PodPlanner.ComputePodActions(Input(Pod(policy, v2), InSandbox(Running("c1", attempt: 4)), history));

        Assert.Equal(new ContainerToKill("c1", "app", "Container app definition changed, will be restarted"), Assert.Single(plan.ContainersToKill));
        var start = Assert.Single(plan.ContainersToStart);
        Assert.Equal((5u, true, "my-app:v2.0"), (start.Attempt, start.IsRestart, start.Spec.Image));
        Assert.Empty(plan.Waiting);
    }

    [Fact]
    public void ComputePodActions_ImageChangedOfExitedContainerWithNever_Restarted()
    {
        var v2 = PodSyncCase.App with { Image = "my-app:v2.0" };

        var plan = PodPlanner.ComputePodActions(Input(Pod("Never", v2), InSandbox(Exited("c1", 0))));

        Assert.Empty(plan.ContainersToKill);
        Assert.Equal("my-app:v2.0", Assert.Single(plan.ContainersToStart).Spec.Image);
    }

    [Fact]
    public void ComputePodActions_ContainerWithoutHash_NotTakenAsChanged()
    {
        var plan = PodPlanner.ComputePodActions(Input(Pod(), InSandbox(Running("c1") with { SpecHash = null })));

        Assert.True(plan.IsEmpty);
    }

    [Theory]
    [InlineData("Succeeded")]
    [InlineData("Failed")]
    public void ComputePodActions_FinishedPod_StartsNothingAndMakesNoSandbox(string phase)
    {
        var pod = Pod("Always") with { Status = new PodStatus { Phase = phase } };
        var observed = Seen([Sandbox("old", ready: false, createdAt: 1), Sandbox("newer", ready: false, createdAt: 2)],
            Exited("c1", 1, spec: PodSyncCase.App) with { SandboxId = "newer" });

        var plan = PodPlanner.ComputePodActions(Input(pod, observed));

        // Its statuses come from the newest sandbox's containers; nothing is removed while the pod object exists.
        Assert.Equal("newer", plan.SandboxId);
        Assert.True(plan.IsEmpty);
    }

    [Fact]
    public void ComputePodActions_FinishedPodWithChangedSpecStillRunning_KeepsIt()
    {
        var pod = Pod("Always", PodSyncCase.App with { Image = "my-app:v2.0" }) with { Status = new PodStatus { Phase = "Failed" } };

        var plan = PodPlanner.ComputePodActions(Input(pod, InSandbox(Running("c1"))));

        Assert.True(plan.IsEmpty);
    }

    [Fact]
    public void ComputePodActions_FinishedPodWithUnhealthyContainer_KilledNotRestarted()
    {
        var pod = Pod("Always") with { Status = new PodStatus { Phase = "Failed" } };

        var plan = PodPlanner.ComputePodActions(Input(pod, InSandbox(Running("c1"))).With(unhealthy: new Dictionary<string, string> { ["c1"] = Unhealthy }));

        Assert.Single(plan.ContainersToKill);
        Assert.Empty(plan.ContainersToStart);
    }

    [Fact]
    public void ComputePodActions_FinishedPodWithCreatedContainer_DoesNotStartIt()
    {
        var pod = Pod("Always") with { Status = new PodStatus { Phase = "Succeeded" } };

        var plan = PodPlanner.ComputePodActions(Input(pod, InSandbox(Container("c1", CriV1.ContainerState.ContainerCreated))));

        Assert.True(plan.IsEmpty);
    }
}
