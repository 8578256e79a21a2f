using Drover.Agent.Pods.Reporting;
using Drover.Api;

namespace Drover.Agent.Pods.Tests;

public sealed class PodStatusBuilderTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, 500, TimeSpan.Zero);

    private static PodSpec Spec(string restartPolicy, params string[] names) =>
        new() { RestartPolicy = restartPolicy, Containers = [.. names.Select(n => new Container { Name = n, Image = "i" })] };

    private static ContainerStatus Running(string name, bool ready = true) =>
        new() { Name = name, Ready = ready, State = new ContainerState { Running = new ContainerStateRunning { StartedAt = Now } } };

    private static ContainerStatus Exited(string name, int code) =>
        new() { Name = name, State = new ContainerState { Terminated = new ContainerStateTerminated { ExitCode = code } } };

    private static ContainerStatus Waiting(string name, string reason, bool ranBefore = false) => new()
    {
        Name = name,
        State = new ContainerState { Waiting = new ContainerStateWaiting { Reason = reason } },
        LastState = ranBefore ? new ContainerState { Terminated = new ContainerStateTerminated { ExitCode = 1 } } : null,
    };

    [Theory]
    [InlineData("Always")]
    [InlineData("Never")]
    public void Phase_AnyContainerNeverStarted_Pending(string policy) =>
        Assert.Equal("Pending", PodStatusBuilder.Phase(Spec(policy, "a", "b"), [Running("a"), Waiting("b", "ContainerCreating")]));

    [Fact]
    public void Phase_AllRunning_Running() =>
        Assert.Equal("Running", PodStatusBuilder.Phase(Spec("Always", "a"), [Running("a")]));

    [Fact]
    public void Phase_CrashLoopWithAlways_Running() =>
        Assert.Equal("Running", PodStatusBuilder.Phase(Spec("Always", "a"), [Waiting("a", "CrashLoopBackOff", ranBefore: true)]));

    [Theory]
    [InlineData("Never", 0, "Succeeded")]
    [InlineData("Never", 2, "Failed")]
    [InlineData("OnFailure", 0, "Succeeded")]
    [InlineData("OnFailure", 2, "Running")]
    [InlineData("Always", 0, "Running")]
    public void Phase_AllExited_ByPolicyAndExitCode(string policy, int exitCode, string phase) =>
        Assert.Equal(phase, PodStatusBuilder.Phase(Spec(policy, "a"), [Exited("a", exitCode)]));

    [Fact]
    public void Phase_OneExitedOneRunning_Running() =>
        Assert.Equal("Running", PodStatusBuilder.Phase(Spec("Never", "a", "b"), [Exited("a", 1), Running("b")]));

    [Fact]
    public void Build_AllReady_ConditionsTrueIpsAndSecondPrecision()
    {
        var pod = new Pod { Spec = Spec("Always", "a") };

        var status = PodStatusBuilder.Build(pod, [Running("a")], "10.88.5.3", "10.0.0.1", Now);

        Assert.Equal("Running", status.Phase);
        Assert.All(status.Conditions!, c => Assert.Equal("True", c.Status));
        Assert.Equal(["Initialized", "Ready", "ContainersReady", "PodScheduled"], status.Conditions!.Select(c => c.Type));
        Assert.Equal("10.88.5.3", status.PodIP);
        Assert.Equal("10.88.5.3", Assert.Single(status.PodIPs!).Ip);
        Assert.Equal("10.0.0.1", status.HostIP);
        Assert.Equal(0, status.StartTime!.Value.Millisecond);
        Assert.Equal("BestEffort", status.QosClass);
    }

    [Fact]
    public void Build_UnreadyContainer_ReadyFalseNamingIt()
    {
        var pod = new Pod { Spec = Spec("Always", "a", "b") };

        var status = PodStatusBuilder.Build(pod, [Running("a"), Running("b", ready: false)], "10.88.5.3", "h", Now);

        var ready = Assert.Single(status.Conditions!, c => c.Type == "Ready");
        Assert.Equal(("False", "ContainersNotReady"), (ready.Status, ready.Reason));
        Assert.Contains("[b]", ready.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_UnchangedCondition_KeepsTransitionTimeAndStartTime()
    {
        var earlier = new DateTimeOffset(2024, 6, 1, 0, 0, 0, TimeSpan.Zero);
        var pod = new Pod { Spec = Spec("Always", "a") };
        var first = PodStatusBuilder.Build(pod, [Running("a")], "ip", "h", earlier);

        var second = PodStatusBuilder.Build(pod with { Status = first }, [Running("a")], "ip", "h", Now);
        var third = PodStatusBuilder.Build(pod with { Status = second }, [Running("a", ready: false)], "ip", "h", Now);

        Assert.Equal(earlier, second.StartTime);
        Assert.All(second.Conditions!, c => Assert.Equal(earlier, c.LastTransitionTime));
        Assert.Equal(PodStatusBuilder.Seconds(Now), Assert.Single(third.Conditions!, c => c.Type == "Ready").LastTransitionTime);
        Assert.Equal(earlier, Assert.Single(third.Conditions!, c => c.Type == "PodScheduled").LastTransitionTime);
    }

    [Fact]
    public void Build_TerminalBefore_StaysTerminal()
    {
        var pod = new Pod { Spec = Spec("Always", "a"), Status = new PodStatus { Phase = "Succeeded" } };

        Assert.Equal("Succeeded", PodStatusBuilder.Build(pod, [Running("a")], null, "h", Now).Phase);
    }

    [Fact]
    public void Build_LimitsEqualRequests_Guaranteed()
    {
        var resources = new ResourceRequirements
        {
            Requests = new() { ["cpu"] = Quantity.Parse("500m"), ["memory"] = Quantity.Parse("256Mi") },
            Limits = new() { ["cpu"] = Quantity.Parse("500m"), ["memory"] = Quantity.Parse("256Mi") },
        };
        var pod = new Pod { Spec = new PodSpec { Containers = [new Container { Name = "a", Resources = resources }] } };

        Assert.Equal("Guaranteed", PodStatusBuilder.Build(pod, [Running("a")], null, "h", Now).QosClass);
    }
}
