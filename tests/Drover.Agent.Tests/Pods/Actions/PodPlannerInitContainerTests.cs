using Drover.Api;
using CriV1 = Drover.Agent.Cri.V1;
using static Drover.Agent.Pods.Actions.Tests.PodSyncCase;

namespace Drover.Agent.Pods.Actions.Tests;

/// <summary>
/// Init containers, as the kubelet runs them (findNextInitContainerToRun): one at a time, in order, each to success,
/// before any regular container.
/// </summary>
public sealed class PodPlannerInitContainerTests
{
    private static readonly Container First = new() { Name = "migrate", Image = "my-app:v1.0" };
    private static readonly Container Second = new() { Name = "seed", Image = "my-app:v1.0" };

    private static Pod WithInits(string policy = "Always") => Pod(policy) with { Spec = Pod(policy).Spec with { InitContainers = [First, Second] } };

    private static string[] Started(PodActions plan) => [.. plan.ContainersToStart.Select(s => s.Spec.Name)];

    [Fact]
    public void ComputePodActions_NothingRanYet_FirstInitContainerOnly()
    {
        Assert.Equal(["migrate"], Started(PodPlanner.ComputePodActions(Input(WithInits(), InSandbox()))));
    }

    [Fact]
    public void ComputePodActions_NewSandbox_InitStartsOverFromTheFirst()
    {
        var plan = PodPlanner.ComputePodActions(Input(WithInits(), Seen([])));

        Assert.NotNull(plan.CreateSandbox);
        Assert.Equal(["migrate"], Started(plan));
    }

    [Fact]
    public void ComputePodActions_FirstInitRunning_WaitsForIt()
    {
        Assert.Empty(Started(PodPlanner.ComputePodActions(Input(WithInits(), InSandbox(Running("i1", spec: First))))));
    }

    [Fact]
    public void ComputePodActions_FirstInitSucceeded_SecondStarts()
    {
        Assert.Equal(["seed"], Started(PodPlanner.ComputePodActions(Input(WithInits(), InSandbox(Exited("i1", 0, spec: First))))));
    }

    [Fact]
    public void ComputePodActions_AllInitsSucceeded_RegularContainersStart()
    {
        var observed = InSandbox(Exited("i1", 0, spec: First), Exited("i2", 0, spec: Second));

        Assert.Equal(["app"], Started(PodPlanner.ComputePodActions(Input(WithInits(), observed))));
    }

    [Fact]
    public void ComputePodActions_RegularContainerRuns_InitIsDoneWhateverIsLeftOfIt()
    {
        // After an agent restart, say, with the init containers gone from CRI.
        Assert.True(PodPlanner.ComputePodActions(Input(WithInits(), InSandbox(Running("c1")))).IsEmpty);
    }

    [Theory]
    [InlineData("Always", true)]
    [InlineData("OnFailure", true)]
    [InlineData("Never", false)]
    public void ComputePodActions_InitFailed_RestartedUnlessNever(string policy, bool restarted)
    {
        var plan = PodPlanner.ComputePodActions(Input(WithInits(policy), InSandbox(Exited("i1", 0, spec: First), Exited("i2", 1, attempt: 1, spec: Second))));

        Assert.Equal(restarted ? ["seed"] : [], Started(plan));
        if (restarted)
        {
            Assert.Equal((2u, true), (plan.ContainersToStart[0].Attempt, plan.ContainersToStart[0].IsRestart));
        }
    }

    [Fact]
    public void ComputePodActions_InitFailedWithinBackoff_Waits()
    {
        var history = NewHistory();
        history.Restarted("migrate", T0.AddSeconds(-1));

        var plan = PodPlanner.ComputePodActions(Input(WithInits(), InSandbox(Exited("i1", 1, spec: First)), history, T0.AddSeconds(2)));

        Assert.Empty(plan.ContainersToStart);
        Assert.Equal("CrashLoopBackOff", plan.Waiting["migrate"].Reason);
    }

    [Fact]
    public void ComputePodActions_InitUnknown_KilledBeforeItIsRestarted()
    {
        var plan = PodPlanner.ComputePodActions(Input(WithInits(), InSandbox(Container("i1", CriV1.ContainerState.ContainerUnknown, First))));

        Assert.Equal("i1", Assert.Single(plan.ContainersToKill).ContainerId);
        Assert.Equal(["migrate"], Started(plan));
    }

    [Fact]
    public void ComputePodActions_InitCreatedNeverStarted_StartsThatOne()
    {
        var plan = PodPlanner.ComputePodActions(Input(WithInits(), InSandbox(Container("i1", CriV1.ContainerState.ContainerCreated, First))));

        Assert.Equal("i1", Assert.Single(plan.ContainersToStart).CreatedId);
    }

    [Theory]
    [InlineData("Never", 1)]
    [InlineData("OnFailure", 0)]
    public void ComputePodActions_FinishedHereButDroversCopyStillPending_NoNewSandboxNoStarts(string policy, int exitCode)
    {
        // The worker wrote Failed (or Succeeded) and stopped the sandbox; the pod it syncs next is droverd's older copy.
        var observed = Seen([Sandbox(ready: false)], Exited("i1", exitCode, spec: First), Exited("i2", 0, spec: Second), Exited("c1", 0));

        var plan = PodPlanner.ComputePodActions(Input(WithInits(policy), observed).With(finishedHere: true));

        Assert.Null(plan.CreateSandbox);
        Assert.Empty(plan.ContainersToStart);
    }

    [Fact]
    public void ComputePodActions_FinishedPod_NoInitStarts()
    {
        var pod = WithInits() with { Status = new PodStatus { Phase = "Failed" } };

        Assert.True(PodPlanner.ComputePodActions(Input(pod, InSandbox(Exited("i1", 1, spec: First)))).IsEmpty);
    }
}
