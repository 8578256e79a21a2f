using System.Diagnostics;

namespace Drover.Bench.HollowNodes;

/// <summary>
/// Counts the workload's pods as the shared watch sees them: bound (spec.nodeName set) and Running (phase Running and
/// Ready=True, written by a hollow node). Stopwatch timestamps of the first and last of each; fed by one thread.
/// </summary>
internal sealed class WorkloadProgress(int expected)
{
    private readonly HashSet<string> _bound = new(StringComparer.Ordinal);
    private readonly HashSet<string> _running = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<long> _allBound = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<long> _allRunning = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _boundCount;
    private int _runningCount;

    public int Expected => expected;

    /// <summary>Stopwatch timestamp of the first pod seen bound (0 before).</summary>
    public long FirstBound { get; private set; }
    public int Bound => Volatile.Read(ref _boundCount);
    public int Running => Volatile.Read(ref _runningCount);

    /// <summary>Completes with the Stopwatch timestamp at which the last pod was seen bound.</summary>
    public Task<long> AllBound => _allBound.Task;

    /// <summary>Completes with the Stopwatch timestamp at which the last pod was seen Running and Ready.</summary>
    public Task<long> AllRunning => _allRunning.Task;

    public void Observe(string uid, bool bound, bool runningAndReady)
    {
        var now = Stopwatch.GetTimestamp();
        if (bound && _bound.Add(uid))
        {
            if (FirstBound == 0)
                FirstBound = now;
            if (Interlocked.Increment(ref _boundCount) == expected)
                _allBound.TrySetResult(now);
        }
        if (runningAndReady && _running.Add(uid) && Interlocked.Increment(ref _runningCount) == expected)
            _allRunning.TrySetResult(now);
    }
}
