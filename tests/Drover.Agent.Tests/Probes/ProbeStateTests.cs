using Drover.Agent.Probes;

namespace Drover.Agent.Probes.Tests;

public sealed class ProbeStateTests
{
    [Fact]
    public void Record_FailuresBelowThreshold_KeepsSuccess()
    {
        var state = new ProbeState(successThreshold: 1, failureThreshold: 3, ProbeResult.Success);

        Assert.False(state.Record(ProbeResult.Failure));
        Assert.False(state.Record(ProbeResult.Failure));

        Assert.Equal(ProbeResult.Success, state.Result);
    }

    [Fact]
    public void Record_FailuresReachThreshold_FlipsToFailureOnce()
    {
        var state = new ProbeState(1, 3, ProbeResult.Success);

        state.Record(ProbeResult.Failure);
        state.Record(ProbeResult.Failure);
        Assert.True(state.Record(ProbeResult.Failure));
        Assert.False(state.Record(ProbeResult.Failure));

        Assert.Equal(ProbeResult.Failure, state.Result);
    }

    [Fact]
    public void Record_SuccessInterruptsFailures_CountStartsOver()
    {
        var state = new ProbeState(1, 2, ProbeResult.Success);

        state.Record(ProbeResult.Failure);
        state.Record(ProbeResult.Success);
        Assert.False(state.Record(ProbeResult.Failure));

        Assert.Equal(ProbeResult.Success, state.Result);
        Assert.Equal(1, state.ConsecutiveCount);
    }

    [Fact]
    public void Record_ReadinessNeedsSuccessThreshold_BeforeReady()
    {
        var state = new ProbeState(successThreshold: 2, failureThreshold: 3, ProbeResult.Failure);

        Assert.False(state.Record(ProbeResult.Success));
        Assert.True(state.Record(ProbeResult.Success));

        Assert.Equal(ProbeResult.Success, state.Result);
    }

    [Fact]
    public void Record_UnknownInitialAndFirstSuccess_SettlesWithThresholdOne()
    {
        var state = new ProbeState(1, 1, ProbeResult.Unknown);

        Assert.True(state.Record(ProbeResult.Success));
        Assert.Equal(ProbeResult.Success, state.Result);
    }

    [Fact]
    public void Record_Unknown_IsIgnored()
    {
        var state = new ProbeState(1, 1, ProbeResult.Success);

        Assert.False(state.Record(ProbeResult.Unknown));
        Assert.Equal(0, state.ConsecutiveCount);
    }

    [Fact]
    public void Constructor_ZeroThreshold_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProbeState(0, 1, ProbeResult.Unknown));
    }
}
