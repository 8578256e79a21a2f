using Drover.Testing;

namespace Drover.Agent.Node.Tests;

public sealed class NodeConditionsTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static NodeHealth Healthy => new()
    {
        MemoryAvailableBytes = 4L << 30,
        MemoryThresholdBytes = 100L << 20,
        DiskFreeFraction = 0.5,
        DiskThresholdFraction = 0.1,
        TasksInUse = 300,
        PidMax = 32768,
        PidThresholdFraction = 0.9,
    };

    [Fact]
    public void Compute_AllHealthy_ReadyTrueAndNoPressureInKubeletOrder()
    {
        var conditions = new NodeConditions(new ManualTimeProvider(Start)).Compute(Healthy, null);

        Assert.Equal(["MemoryPressure", "DiskPressure", "PIDPressure", "Ready"], conditions.Select(c => c.Type));
        Assert.Equal(["False", "False", "False", "True"], conditions.Select(c => c.Status));
        Assert.Equal("KubeletReady", conditions[3].Reason);
        Assert.All(conditions, c => Assert.Equal(Start, c.LastHeartbeatTime));
        Assert.All(conditions, c => Assert.Equal(Start, c.LastTransitionTime));
    }

    [Fact]
    public void Compute_RuntimeAndNetworkProblems_ReadyFalseWithBothReasons()
    {
        var health = Healthy with { RuntimeProblem = "container runtime is unreachable", NetworkProblem = "no CNI config" };

        var ready = new NodeConditions(new ManualTimeProvider(Start)).Compute(health, null).Single(c => c.Type == "Ready");

        Assert.Equal("False", ready.Status);
        Assert.Equal("KubeletNotReady", ready.Reason);
        Assert.Contains("container runtime is unreachable", ready.Message, StringComparison.Ordinal);
        Assert.Contains("no CNI config", ready.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_SameStatusLater_HeartbeatMovesTransitionStays()
    {
        var clock = new ManualTimeProvider(Start);
        var calculator = new NodeConditions(clock);
        var first = calculator.Compute(Healthy, null);
        clock.Advance(TimeSpan.FromSeconds(10.7));

        var second = calculator.Compute(Healthy, first);

        Assert.All(second, c => Assert.Equal(Start.AddSeconds(10), c.LastHeartbeatTime));
        Assert.All(second, c => Assert.Equal(Start, c.LastTransitionTime));
        Assert.False(NodeConditions.Differ(first, second));
    }

    [Fact]
    public void Compute_ReadyFlips_TransitionTimeIsNowOnlyForThatCondition()
    {
        var clock = new ManualTimeProvider(Start);
        var calculator = new NodeConditions(clock);
        var first = calculator.Compute(Healthy, null);
        clock.Advance(TimeSpan.FromSeconds(30));

        var second = calculator.Compute(Healthy with { NetworkProblem = "container runtime network not ready" }, first);

        var ready = second.Single(c => c.Type == "Ready");
        Assert.Equal("False", ready.Status);
        Assert.Equal(Start.AddSeconds(30), ready.LastTransitionTime);
        Assert.Equal(Start, second.Single(c => c.Type == "MemoryPressure").LastTransitionTime);
        Assert.True(NodeConditions.Differ(first, second));
    }

    [Fact]
    public void Compute_MemoryBelowThreshold_MemoryPressureTrue()
    {
        var conditions = new NodeConditions(new ManualTimeProvider(Start)).Compute(Healthy with { MemoryAvailableBytes = 50L << 20 }, null);

        var memory = conditions.Single(c => c.Type == "MemoryPressure");
        Assert.Equal("True", memory.Status);
        Assert.Equal("KubeletHasInsufficientMemory", memory.Reason);
        Assert.Equal("True", conditions.Single(c => c.Type == "Ready").Status);
    }

    [Fact]
    public void Compute_DiskFreeBelowThreshold_DiskPressureTrue()
    {
        var conditions = new NodeConditions(new ManualTimeProvider(Start)).Compute(Healthy with { DiskFreeFraction = 0.05 }, null);

        Assert.Equal("True", conditions.Single(c => c.Type == "DiskPressure").Status);
    }

    [Fact]
    public void Compute_TasksAboveNinetyPercentOfPidMax_PidPressureTrue()
    {
        var calculator = new NodeConditions(new ManualTimeProvider(Start));

        Assert.Equal("True", calculator.Compute(Healthy with { TasksInUse = 29500 }, null).Single(c => c.Type == "PIDPressure").Status);
        Assert.Equal("False", calculator.Compute(Healthy with { TasksInUse = 29400 }, null).Single(c => c.Type == "PIDPressure").Status);
    }

    [Fact]
    public void Compute_PreviousFromServerWithOtherStatus_TransitionIsNow()
    {
        var clock = new ManualTimeProvider(Start);
        var unknown = new List<Api.NodeCondition>
        {
            new() { Type = "Ready", Status = "Unknown", LastTransitionTime = Start.AddHours(-1), LastHeartbeatTime = Start.AddHours(-1) },
        };

        var ready = new NodeConditions(clock).Compute(Healthy, unknown).Single(c => c.Type == "Ready");

        Assert.Equal("True", ready.Status);
        Assert.Equal(Start, ready.LastTransitionTime);
    }
}
