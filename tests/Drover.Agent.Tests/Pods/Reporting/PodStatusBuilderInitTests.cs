using Drover.Api;

namespace Drover.Agent.Pods.Reporting.Tests;

/// <summary>Phase and the Initialized condition of a pod with init containers, as the kubelet's getPhase.</summary>
public sealed class PodStatusBuilderInitTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static Pod Pod(string policy) => new()
    {
        Metadata = new ObjectMeta { Name = "p", Namespace = "default", Uid = "u" },
        Spec = new PodSpec
        {
            RestartPolicy = policy,
            InitContainers = [new Container { Name = "init", Image = "i" }],
            Containers = [new Container { Name = "app", Image = "i" }],
        },
    };

    private static ContainerStatus Terminated(string name, int code) =>
        new() { Name = name, State = new ContainerState { Terminated = new ContainerStateTerminated { ExitCode = code } } };

    private static ContainerStatus Waiting(string name, bool ranBefore) => new()
    {
        Name = name,
        State = new ContainerState { Waiting = new ContainerStateWaiting { Reason = ranBefore ? "CrashLoopBackOff" : "ContainerCreating" } },
        LastState = ranBefore ? new ContainerState { Terminated = new ContainerStateTerminated { ExitCode = 1 } } : null,
    };

    private static ContainerStatus Running(string name) =>
        new() { Name = name, State = new ContainerState { Running = new ContainerStateRunning { StartedAt = Now } } };

    [Theory]
    [InlineData("Always")]
    [InlineData("Never")]
    public void Build_InitRunning_PendingAndNotInitialized(string policy)
    {
        var status = PodStatusBuilder.Build(Pod(policy), [Waiting("app", false)], "10.88.5.9", "h", Now, [Running("init")]);

        Assert.Equal("Pending", status.Phase);
        var initialized = Assert.Single(status.Conditions!, c => c.Type == "Initialized");
        Assert.Equal(("False", "ContainersNotInitialized", "containers with incomplete status: [init]"), (initialized.Status, initialized.Reason, initialized.Message));
        Assert.Equal("init", Assert.Single(status.InitContainerStatuses!).Name);
    }

    [Theory]
    [InlineData("Never", "Failed")]
    [InlineData("OnFailure", "Pending")]
    [InlineData("Always", "Pending")]
    public void Build_InitFailed_FailedOnlyWithNever(string policy, string phase)
    {
        Assert.Equal(phase, PodStatusBuilder.Build(Pod(policy), [Waiting("app", false)], null, "h", Now, [Terminated("init", 1)]).Phase);
    }

    [Fact]
    public void Build_InitWaitingToRestart_Pending()
    {
        Assert.Equal("Pending", PodStatusBuilder.Build(Pod("Always"), [Waiting("app", false)], null, "h", Now, [Waiting("init", true)]).Phase);
    }

    [Fact]
    public void Build_InitDone_InitializedAndPhaseFromTheRegularContainers()
    {
        var status = PodStatusBuilder.Build(Pod("Always"), [Running("app")], null, "h", Now, [Terminated("init", 0)]);

        Assert.Equal("Running", status.Phase);
        Assert.Equal("True", Assert.Single(status.Conditions!, c => c.Type == "Initialized").Status);
    }

    [Fact]
    public void Build_NoInitContainers_NoInitStatuses()
    {
        var pod = Pod("Always") with { Spec = Pod("Always").Spec with { InitContainers = null } };

        var status = PodStatusBuilder.Build(pod, [Running("app")], null, "h", Now, []);

        Assert.Null(status.InitContainerStatuses);
        Assert.Equal("True", Assert.Single(status.Conditions!, c => c.Type == "Initialized").Status);
    }
}
