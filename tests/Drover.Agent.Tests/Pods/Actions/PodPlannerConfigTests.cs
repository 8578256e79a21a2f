using Drover.Agent.Pods.Observed;
using Drover.Api;
using CriV1 = Drover.Agent.Cri.V1;
using static Drover.Agent.Pods.Actions.Tests.PodSyncCase;

namespace Drover.Agent.Pods.Actions.Tests;

/// <summary>
/// Containers whose volumes or config cannot be made yet: the kubelet's ContainerCreating (a volume not set up, with
/// FailedMount) and CreateContainerConfigError (a missing ConfigMap or Secret key). No containerd.
/// </summary>
public sealed class PodPlannerConfigTests
{
    private const string MissingKey = "couldn't find key password in Secret default/creds";
    private const string MountFailed = "MountVolume.SetUp failed for volume \"config\" : configmap \"app-config\" not found";

    private static readonly Container Sidecar = new() { Name = "sidecar", Image = "my-app:v1.0" };

    public enum Problem
    {
        None,
        ConfigOfApp,
        Volume,
    }

    [Theory]
    // state of "app": none (never made), created (made, never started), running, exited1 (to be restarted)
    [InlineData("none", Problem.None, "start", null)]
    [InlineData("none", Problem.ConfigOfApp, "wait", "CreateContainerConfigError")]
    [InlineData("none", Problem.Volume, "wait", "ContainerCreating")]
    [InlineData("created", Problem.ConfigOfApp, "start", null)]
    [InlineData("created", Problem.Volume, "start", null)]
    [InlineData("running", Problem.ConfigOfApp, "nothing", null)]
    [InlineData("running", Problem.Volume, "nothing", null)]
    [InlineData("exited1", Problem.None, "start", null)]
    [InlineData("exited1", Problem.ConfigOfApp, "wait", "CreateContainerConfigError")]
    [InlineData("exited1", Problem.Volume, "wait", "ContainerCreating")]
    public void ComputePodActions_ConfigOrVolumeProblem_StartBecomesWait(string state, Problem problem, string expected, string? reason)
    {
        ObservedContainer[] seen = state switch
        {
            "none" => [],
            "created" => [Container("c1", CriV1.ContainerState.ContainerCreated)],
            "running" => [Running("c1")],
            _ => [Exited("c1", 1, finishedAt: T0.AddMinutes(-10))],
        };
        var input = Input(Pod(), InSandbox(seen)).With(
            configErrors: problem == Problem.ConfigOfApp ? new Dictionary<string, string> { ["app"] = MissingKey } : null,
            volumeError: problem == Problem.Volume ? MountFailed : null);

        var plan = PodPlanner.ComputePodActions(input);

        Assert.Empty(plan.ContainersToKill);
        switch (expected)
        {
            case "start":
                Assert.Equal("app", Assert.Single(plan.ContainersToStart).Spec.Name);
                Assert.Empty(plan.Waiting);
                break;
            case "nothing":
                Assert.True(plan.IsEmpty);
                Assert.Empty(plan.Waiting);
                break;
            default:
                Assert.Empty(plan.ContainersToStart);
                var wait = plan.Waiting["app"];
                Assert.Equal((ContainerWaitingKind.NotCreated, reason), (wait.Kind, wait.Reason));
                Assert.Equal(problem == Problem.Volume ? MountFailed : MissingKey, wait.Message);
                // No time to wait for: the next sync (a change, or the resync that reads the objects again) decides again.
                Assert.Null(wait.Until);
                break;
        }
    }

    [Fact]
    public void ComputePodActions_ConfigErrorOfOneContainer_TheOtherStarts()
    {
        var input = Input(Pod("Always", App, Sidecar), ObservedPod.Empty).With(configErrors: new Dictionary<string, string> { ["app"] = MissingKey });

        var plan = PodPlanner.ComputePodActions(input);

        Assert.NotNull(plan.CreateSandbox);
        Assert.Equal("sidecar", Assert.Single(plan.ContainersToStart).Spec.Name);
        Assert.Equal(PodPlanner.CreateContainerConfigError, plan.Waiting["app"].Reason);
        Assert.False(plan.Waiting.ContainsKey("sidecar"));
    }

    [Fact]
    public void ComputePodActions_VolumeNotReady_SandboxStillMadeButNoContainer()
    {
        var plan = PodPlanner.ComputePodActions(Input(Pod("Always", App, Sidecar), ObservedPod.Empty).With(volumeError: MountFailed));

        Assert.NotNull(plan.CreateSandbox);
        Assert.Empty(plan.ContainersToStart);
        Assert.Equal(["app", "sidecar"], plan.Waiting.Keys.Order());
    }

    [Fact]
    public void ComputePodActions_ConfigErrorWhileDeleted_TerminationOnly()
    {
        var pod = Pod() with { Metadata = Pod().Metadata with { DeletionTimestamp = T0 } };

        var plan = PodPlanner.ComputePodActions(Input(pod, InSandbox(Running("c1"))).With(configErrors: new Dictionary<string, string> { ["app"] = MissingKey }, volumeError: MountFailed));

        Assert.NotNull(plan.Termination);
        Assert.Empty(plan.Waiting);
    }
}
