using Drover.Agent.Pods;

namespace Drover.Agent.Pods.Tests;

public sealed class RestartBackoffTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly RestartBackoff _backoff = new(TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(5));

    [Fact]
    public void BackoffUntil_FirstFailure_RestartsAtOnce() =>
        Assert.Null(_backoff.BackoffUntil("app", T0, T0));

    [Fact]
    public void BackoffUntil_SecondFailureSoonAfter_WaitsInitialFromFinish()
    {
        _backoff.Next("app", T0);
        var finished = T0.AddSeconds(1);

        Assert.Equal(finished.AddSeconds(10), _backoff.BackoffUntil("app", finished, finished.AddSeconds(2)));
        Assert.Null(_backoff.BackoffUntil("app", finished, finished.AddSeconds(10)));
    }

    [Fact]
    public void Next_Repeated_DoublesUpToMax()
    {
        var now = T0;
        var seen = new List<TimeSpan>();
        for (var i = 0; i < 8; i++)
        {
            _backoff.Next("app", now);
            seen.Add(_backoff.Current("app"));
            now = now.AddSeconds(1);
        }

        Assert.Equal([10, 20, 40, 80, 160, 300, 300, 300], seen.Select(s => (int)s.TotalSeconds));
    }

    [Fact]
    public void Next_AfterQuietTwiceMax_StartsOver()
    {
        _backoff.Next("app", T0);
        _backoff.Next("app", T0);
        var later = T0.AddMinutes(11);

        Assert.Null(_backoff.BackoffUntil("app", later, later));
        _backoff.Next("app", later);
        Assert.Equal(TimeSpan.FromSeconds(10), _backoff.Current("app"));
    }

    [Fact]
    public void Keys_AreIndependent()
    {
        _backoff.Next("a", T0);
        _backoff.Next("a", T0);

        Assert.Equal(TimeSpan.Zero, _backoff.Current("b"));
        Assert.Null(_backoff.BackoffUntil("b", T0, T0));
    }
}
