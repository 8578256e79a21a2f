using Drover.ControlPlane.Testing;
using Drover.Testing;

namespace Drover.ControlPlane.Controllers.Framework.Tests;

public sealed class WorkQueueTests : IDisposable
{
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly WorkQueue<string> _queue;
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(10));

    public WorkQueueTests() => _queue = new WorkQueue<string>(_time, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1));

    public void Dispose()
    {
        _queue.Dispose();
        _timeout.Dispose();
    }

    [Fact]
    public async Task Add_SameKeyTwice_HandedOutOnce()
    {
        _queue.Add("a");
        _queue.Add("a");
        _queue.Add("b");

        Assert.Equal(2, _queue.Count);
        Assert.Equal("a", await _queue.TakeAsync(_timeout.Token));
        Assert.Equal("b", await _queue.TakeAsync(_timeout.Token));
        Assert.Equal(0, _queue.Count);
    }

    [Fact]
    public async Task Add_WhileBeingHandled_HandedOutAgainOnlyAfterDone()
    {
        _queue.Add("a");
        var key = await _queue.TakeAsync(_timeout.Token);

        _queue.Add("a");
        Assert.Equal(0, _queue.Count);
        _queue.Done(key);

        Assert.Equal(1, _queue.Count);
        Assert.Equal("a", await _queue.TakeAsync(_timeout.Token));
    }

    [Fact]
    public async Task AddAfter_BeforeAndAfterTheDelay_QueuedOnlyOnceItPassed()
    {
        _queue.AddAfter("a", TimeSpan.FromSeconds(5));

        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(0, _queue.Count);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("a", await _queue.TakeAsync(_timeout.Token));
    }

    [Fact]
    public void AddAfter_SameKeyManyTimes_OneTimerAtTheEarliestTime()
    {
        _queue.AddAfter("a", TimeSpan.FromSeconds(10));
        _queue.AddAfter("a", TimeSpan.FromSeconds(3));
        _queue.AddAfter("a", TimeSpan.FromSeconds(20));

        Assert.Equal(1, _queue.DelayedCount);
        Assert.Equal(1, _time.ActiveTimers);
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(1, _queue.Count);
        Assert.Equal(0, _queue.DelayedCount);
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(1, _queue.Count);
    }

    [Fact]
    public void AddAfter_ZeroDelay_QueuedAtOnce()
    {
        _queue.AddAfter("a", TimeSpan.Zero);

        Assert.Equal(1, _queue.Count);
    }

    [Fact]
    public async Task AddRateLimited_RepeatedFailures_DelayDoublesUpToTheCapUntilForget()
    {
        var delays = new List<TimeSpan>();
        for (var i = 0; i < 9; i++)
        {
            _queue.AddRateLimited("a");
            delays.Add(AdvanceUntilQueued("a"));
            await _queue.TakeAsync(_timeout.Token);
            _queue.Done("a");
        }
        Assert.Equal([10, 20, 40, 80, 160, 320, 640, 1000, 1000], delays.Select(d => (int)d.TotalMilliseconds));
        Assert.Equal(9, _queue.Failures("a"));

        _queue.Forget("a");
        _queue.AddRateLimited("a");
        Assert.Equal(TimeSpan.FromMilliseconds(10), AdvanceUntilQueued("a"));
    }

    [Fact]
    public async Task RunAsync_HandlerThrows_ErrorReportedAndKeyRetriedWithBackoffThenForgotten()
    {
        var attempts = 0;
        var errors = new List<string>();
        var succeeded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_timeout.Token);
        var running = _queue.RunAsync(1, (key, _) =>
        {
            if (Interlocked.Increment(ref attempts) < 3)
                throw new InvalidOperationException("boom " + attempts);
            succeeded.TrySetResult();
            return Task.CompletedTask;
        }, (key, e) => { lock (errors) errors.Add(key + ": " + e.Message); }, stop.Token);

        _queue.Add("a");
        while (!succeeded.Task.IsCompleted)
        {
            _time.Advance(TimeSpan.FromMilliseconds(10));
            await Task.Delay(5, _timeout.Token);
        }
        await stop.CancelAsync();
        await running;

        Assert.Equal(3, attempts);
        Assert.Equal(["a: boom 1", "a: boom 2"], errors);
        Assert.Equal(0, _queue.Failures("a"));
    }

    [Fact]
    public async Task RunAsync_TwoWorkersSameKeyAddedRepeatedly_NeverHandledConcurrently()
    {
        var inside = 0;
        var overlapped = false;
        var handled = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_timeout.Token);
        var running = _queue.RunAsync(2, async (key, ct) =>
        {
            if (Interlocked.Increment(ref inside) > 1)
                overlapped = true;
            await Task.Delay(2, ct);
            Interlocked.Decrement(ref inside);
            Interlocked.Increment(ref handled);
        }, (_, _) => { }, stop.Token);

        for (var i = 0; i < 50; i++)
        {
            _queue.Add("a");
            await Task.Delay(1, _timeout.Token);
        }
        while (_queue.Count > 0)
            await Task.Delay(5, _timeout.Token);
        await stop.CancelAsync();
        await running;

        Assert.False(overlapped);
        Assert.InRange(handled, 2, 50);
    }

    [Fact]
    public void Dispose_PendingDelays_CancelledAndLaterAddsIgnored()
    {
        _queue.AddAfter("a", TimeSpan.FromSeconds(1));

        _queue.Dispose();
        _time.Advance(TimeSpan.FromSeconds(2));
        _queue.Add("b");

        Assert.Equal(0, _time.ActiveTimers);
        Assert.Equal(0, _queue.Count);
    }

    private TimeSpan AdvanceUntilQueued(string key)
    {
        var waited = TimeSpan.Zero;
        var step = TimeSpan.FromMilliseconds(10);
        while (_queue.Count == 0)
        {
            Assert.True(waited < TimeSpan.FromMinutes(1), $"{key} never came back");
            _time.Advance(step);
            waited += step;
        }
        return waited;
    }
}
