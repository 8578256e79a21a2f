using static Drover.Agent.Pods.Actions.Tests.PodSyncCase;

namespace Drover.Agent.Pods.Actions.Tests;

public sealed class PodHistoryTests
{
    [Fact]
    public void CarryOver_KeepsTheHigherAttempt()
    {
        var history = NewHistory();
        history.Created("app", 5);
        history.CarryOver(new Dictionary<string, uint> { ["app"] = 3, ["sidecar"] = 2 });

        Assert.Equal((6u, 2u, 0u), (history.NextAttempt("app"), history.NextAttempt("sidecar"), history.NextAttempt("other")));
    }

    [Fact]
    public void Created_NextAttemptIsTheOneAfter()
    {
        var history = NewHistory();
        history.Created("app", 0);
        history.Created("app", 1);

        Assert.Equal(2u, history.NextAttempt("app"));
    }

    [Fact]
    public void Restarted_TwiceQuickly_BackoffDoubles()
    {
        var history = NewHistory();
        history.Restarted("app", T0);
        history.Restarted("app", T0.AddSeconds(1));

        Assert.Equal(TimeSpan.FromSeconds(20), history.RestartBackoff("app"));
        Assert.Equal(T0.AddSeconds(22), history.RestartBackoffUntil("app", T0.AddSeconds(2), T0.AddSeconds(3)));
        Assert.Null(history.RestartBackoffUntil("other", T0, T0));
    }
}
