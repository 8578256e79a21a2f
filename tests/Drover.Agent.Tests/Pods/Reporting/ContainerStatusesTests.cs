using Drover.Agent.Pods.Actions;
using Drover.Agent.Pods.Observed;
using Drover.Api;
using CriV1 = Drover.Agent.Cri.V1;

namespace Drover.Agent.Pods.Reporting.Tests;

/// <summary>CRI containers → containerStatuses, with the waiting reasons the plan and the executor give. No containerd.</summary>
public sealed class ContainerStatusesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Container App = new() { Name = "app", Image = "my-app:v1.0" };
    private readonly ContainerStatuses _statuses = new("containerd");

    private static ObservedContainer Container(string id, CriV1.ContainerState state, uint attempt, int exitCode = 0, string? reason = null) => new()
    {
        Id = id,
        SandboxId = "sb",
        Name = "app",
        Attempt = attempt,
        State = state,
        RestartCount = (int)attempt,
        ImageRef = "sha256:abc",
        ExitCode = exitCode,
        Reason = reason,
        StartedAt = Nanos(T0),
        FinishedAt = state == CriV1.ContainerState.ContainerExited ? Nanos(T0.AddSeconds(5.7)) : 0,
    };

    private static long Nanos(DateTimeOffset t) => t.ToUnixTimeMilliseconds() * 1_000_000;

    [Fact]
    public void Of_Running_RunningWithThePreviousAsLastState()
    {
        var status = _statuses.Of(App, [Container("c2", CriV1.ContainerState.ContainerRunning, 2), Container("c1", CriV1.ContainerState.ContainerExited, 1, exitCode: 137)], null, 0);

        Assert.Equal(T0, status.State!.Running!.StartedAt);
        Assert.Equal((137, "Error", "containerd://c1"), (status.LastState!.Terminated!.ExitCode, status.LastState.Terminated.Reason, status.LastState.Terminated.ContainerID));
        Assert.Equal(("containerd://c2", "sha256:abc", 2, true, false), (status.ContainerID, status.ImageID, status.RestartCount, status.Started, status.Ready));
    }

    [Theory]
    [InlineData(0, null, "Completed")]
    [InlineData(1, null, "Error")]
    [InlineData(137, "OOMKilled", "OOMKilled")]
    public void Of_Exited_TerminatedWithTheRuntimesReasonOrKubernetesDefault(int exitCode, string? reason, string expected)
    {
        var status = _statuses.Of(App, [Container("c1", CriV1.ContainerState.ContainerExited, 0, exitCode, reason)], null, 0);

        Assert.Equal((exitCode, expected), (status.State!.Terminated!.ExitCode, status.State.Terminated.Reason));
        Assert.Equal(T0.AddSeconds(5), status.State.Terminated.FinishedAt);
        Assert.Null(status.LastState);
        Assert.Equal("containerd://c1", status.ContainerID);
    }

    [Fact]
    public void Of_ExitedAfterAnEarlierRun_TheEarlierRunIsTheLastState()
    {
        // An init container that failed once, then succeeded: both runs are still in CRI.
        var status = _statuses.Of(App, [Container("c2", CriV1.ContainerState.ContainerExited, 1, 0), Container("c1", CriV1.ContainerState.ContainerExited, 0, 1)], null, 0);

        Assert.Equal((0, 1, 1), (status.State!.Terminated!.ExitCode, status.LastState?.Terminated?.ExitCode, status.RestartCount));
    }

    [Theory]
    [InlineData("unknown", "ContainerStatusUnknown")]
    [InlineData("created", "ContainerCreating")]
    public void Of_NeitherRunningNorExited_Waiting(string state, string reason)
    {
        var cri = state == "unknown" ? CriV1.ContainerState.ContainerUnknown : CriV1.ContainerState.ContainerCreated;
        var status = _statuses.Of(App, [Container("c1", cri, 3)], null, 0);

        Assert.Equal(reason, status.State!.Waiting!.Reason);
        Assert.Equal(("containerd://c1", 3), (status.ContainerID, status.RestartCount));
    }

    [Fact]
    public void Of_NoContainer_ContainerCreatingWithTheNextAttemptAsRestartCount()
    {
        var status = _statuses.Of(App, [], null, 4);

        Assert.Equal(("ContainerCreating", 4), (status.State!.Waiting!.Reason, status.RestartCount));
        Assert.Null(status.ContainerID);
    }

    [Fact]
    public void Of_NoContainerInAPodWithInitContainers_PodInitializingAsTheKubelet() =>
        Assert.Equal("PodInitializing", _statuses.Of(App, [], null, 0, podHasInitContainers: true).State!.Waiting!.Reason);

    [Fact]
    public void Of_BackOff_WaitingWithTheDeadContainersIdAndLastState()
    {
        var wait = new ContainerWaiting { Kind = ContainerWaitingKind.BackOff, Reason = "CrashLoopBackOff", Message = "back-off 10s", ContainerId = "c1" };

        var status = _statuses.Of(App, [Container("c1", CriV1.ContainerState.ContainerExited, 2, exitCode: 1)], wait, 0);

        Assert.Equal(("CrashLoopBackOff", "back-off 10s"), (status.State!.Waiting!.Reason, status.State.Waiting.Message));
        Assert.Equal(1, status.LastState!.Terminated!.ExitCode);
        Assert.Equal(("containerd://c1", "sha256:abc", 2), (status.ContainerID, status.ImageID, status.RestartCount));
    }

    [Fact]
    public void Of_NotCreated_WaitingWithTheLatestAsLastStateButNoId()
    {
        var wait = new ContainerWaiting { Kind = ContainerWaitingKind.NotCreated, Reason = "ErrImagePull", Message = "not found" };

        var status = _statuses.Of(App, [Container("c1", CriV1.ContainerState.ContainerExited, 2, exitCode: 1)], wait, 0);

        Assert.Equal("ErrImagePull", status.State!.Waiting!.Reason);
        Assert.Equal(1, status.LastState!.Terminated!.ExitCode);
        Assert.Equal((null, 2), (status.ContainerID, status.RestartCount));
    }

    [Fact]
    public void Of_NotCreatedFirstTime_RestartCountFromHistory()
    {
        var wait = new ContainerWaiting { Kind = ContainerWaitingKind.NotCreated, Reason = "ImagePullBackOff" };

        var status = _statuses.Of(App, [], wait, 3);

        Assert.Equal(("ImagePullBackOff", 3), (status.State!.Waiting!.Reason, status.RestartCount));
        Assert.Null(status.LastState);
    }

    [Fact]
    public void Of_NotStarted_TheNewContainersIdAndTheOneBeforeAsLastState()
    {
        var wait = new ContainerWaiting { Kind = ContainerWaitingKind.NotStarted, Reason = "RunContainerError", Message = "exec: no such file", ContainerId = "c3", Attempt = 3 };
        var mine = new[] { Container("c3", CriV1.ContainerState.ContainerExited, 3, exitCode: 128, reason: "StartError"), Container("c2", CriV1.ContainerState.ContainerExited, 2, exitCode: 1) };

        var status = _statuses.Of(App, mine, wait, 0);

        Assert.Equal(("RunContainerError", "exec: no such file"), (status.State!.Waiting!.Reason, status.State.Waiting.Message));
        Assert.Equal(1, status.LastState!.Terminated!.ExitCode);
        Assert.Equal(("containerd://c3", 3), (status.ContainerID, status.RestartCount));
    }

    [Fact]
    public void Final_LastContainer_Terminated()
    {
        var status = _statuses.Final(App, Container("c1", CriV1.ContainerState.ContainerExited, 1, exitCode: 143), 0);

        Assert.Equal(143, status.State!.Terminated!.ExitCode);
        Assert.Equal(("containerd://c1", 1), (status.ContainerID, status.RestartCount));
    }

    [Fact]
    public void Final_NoContainer_ContainerCreating()
    {
        Assert.Equal(("ContainerCreating", 2), (_statuses.Final(App, null, 2).State!.Waiting!.Reason, _statuses.Final(App, null, 2).RestartCount));
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, false)]
    public void WithProbeState_Running_AsTheProbersSay(bool started, bool ready)
    {
        var running = _statuses.Of(App, [Container("c1", CriV1.ContainerState.ContainerRunning, 0)], null, 0);

        var probed = _statuses.WithProbeState(running, id => id == "c1" ? (started, ready) : throw new InvalidOperationException(id));

        Assert.Equal((started, ready), (probed.Started, probed.Ready));
    }

    [Fact]
    public void WithProbeState_NotRunning_NeitherStartedNorReady()
    {
        var exited = _statuses.Of(App, [Container("c1", CriV1.ContainerState.ContainerExited, 0)], null, 0) with { Ready = true };

        var probed = _statuses.WithProbeState(exited, _ => (true, true));

        Assert.Equal((false, false), (probed.Started, probed.Ready));
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, false)]
    public void InitReadiness_ReadyOnceItRanToSuccess(int exitCode, bool ready)
    {
        var status = _statuses.Of(App, [Container("i1", CriV1.ContainerState.ContainerExited, 0, exitCode)], null, 0);

        Assert.Equal(ready, ContainerStatuses.InitReadiness(status).Ready);
    }

    [Fact]
    public void RuntimeId_ApiContainerId_StripsTheRuntimePrefix()
    {
        Assert.Equal(("abc", "other://abc"), (_statuses.RuntimeId("containerd://abc"), _statuses.RuntimeId("other://abc")));
    }
}
