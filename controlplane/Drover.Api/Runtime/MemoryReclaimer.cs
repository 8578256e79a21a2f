namespace Drover.Api.Runtime;

/// <summary>
/// Gives memory back after a burst. The .NET GC collects only when the process allocates, and frees the regions it no
/// longer needs only while it collects; a daemon that goes quiet after a burst of large objects, watches or connections
/// therefore keeps its peak in RSS for good (droverd sat at 2.5 GB idle after 100 KB objects; docs/BENCHMARKS.md,
/// "Memory that comes back"). Every <see cref="Interval"/> this looks at the process: once it is quiet (it allocated
/// less than <see cref="QuietAllocationBytes"/> since the last look) and its RSS is more than <see cref="SlackBytes"/>
/// above its level, it runs a full compacting collection that returns the free regions to the kernel
/// (<see cref="GCCollectionMode.Aggressive"/>) and malloc_trim (the host's own trimming of caches goes before, in
/// its reading). The level is the lowest RSS seen; a reclaim that gives back less than the slack shows that the memory
/// is in use, and its result becomes the level. Reclaims are at least <see cref="MinimumGap"/> apart, so a second one
/// catches what the host's caches let go of after the first. A steady process is never collected by this; a busy one
/// is left to the GC's own pacing.
/// </summary>
public sealed class MemoryReclaimer
{
    private readonly TimeProvider _time;
    private readonly Func<MemoryReading> _read;
    private readonly Action _reclaim;
    private MemoryReading? _last;
    private long _level;
    private DateTimeOffset? _lastReclaim;

    /// <param name="read">The process's memory now (<see cref="MemoryReading.Current"/> in the daemons, after the host's own trimming).</param>
    /// <param name="reclaim">What a reclaim does (<see cref="CollectAndTrim"/> in the daemons).</param>
    public MemoryReclaimer(TimeProvider time, Func<MemoryReading> read, Action reclaim)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(reclaim);
        _time = time;
        _read = read;
        _reclaim = reclaim;
    }

    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Below this much allocation in one interval the process counts as quiet (idle daemons allocate a few MB a minute).</summary>
    public long QuietAllocationBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>RSS this far above the level is worth a collection; a collection that gives back less than this sets the level.</summary>
    public long SlackBytes { get; init; } = 8L * 1024 * 1024;

    /// <summary>The least time between two reclaims.</summary>
    public TimeSpan MinimumGap { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Called after each reclaim with the readings before and after (for the host's log).</summary>
    public Action<MemoryReading, MemoryReading>? Reclaimed { get; init; }

    /// <summary>Looks once; returns true when it reclaimed.</summary>
    public bool Check()
    {
        var now = _read();
        var last = _last;
        _last = now;
        if (last is null)
        {
            _level = now.ResidentBytes;
            return false;
        }

        _level = Math.Min(_level, now.ResidentBytes);
        var quiet = now.AllocatedBytes - last.Value.AllocatedBytes < QuietAllocationBytes;
        if (!quiet || now.ResidentBytes <= _level + SlackBytes || _time.GetUtcNow() - _lastReclaim < MinimumGap)
            return false;

        _reclaim();
        _lastReclaim = _time.GetUtcNow();
        var after = _read();
        _last = after;
        if (now.ResidentBytes - after.ResidentBytes < SlackBytes)
            _level = after.ResidentBytes;
        Reclaimed?.Invoke(now, after);
        return true;
    }

    /// <summary>Checks every <see cref="Interval"/> until cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
                Check();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// A full, blocking, compacting collection that also returns every free region to the kernel (Aggressive mode; the
    /// large object heap is compacted too), then the same for glibc's heap. Tens of milliseconds on a small heap; run
    /// only when the process is quiet.
    /// </summary>
    public static void CollectAndTrim()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        MallocHeap.Trim();
    }
}
