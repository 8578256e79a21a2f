namespace Drover.Api.Runtime;

/// <summary>
/// Gives memory back after a burst. The .NET GC collects only when the process allocates, and frees the regions it no
/// longer needs only while it collects; a daemon that goes quiet after a burst of large objects, watches or connections
/// therefore keeps its peak in RSS for good (droverd sat at 2.5 GB idle after 100 KB objects; docs/BENCHMARKS.md,
/// "Memory that comes back"). Every <see cref="Interval"/> this looks at the process: once it is quiet (it allocated
/// less than <see cref="QuietAllocationBytes"/> since the last look) and its RSS is more than <see cref="SlackBytes"/>
/// above the lowest it has been, it runs a full compacting collection that returns the free regions to the kernel
/// (<see cref="GCCollectionMode.Aggressive"/>) and malloc_trim (the host's own trimming of caches goes before, in its
/// reading). Memory that pools and caches let go of only later (Kestrel's pool evicts idle blocks every 10 s) is caught
/// by the next reclaim, <see cref="MinimumGap"/> later. A reclaim that gives back less than the slack shows memory in
/// use, and the gap to the next one doubles, up to <see cref="MaximumGap"/>; a new burst starts it over. A steady
/// process is never collected by this; a busy one is left to the GC's own pacing.
/// </summary>
public sealed class MemoryReclaimer
{
    private readonly TimeProvider _time;
    private readonly Func<MemoryReading> _read;
    private readonly Action _reclaim;
    private MemoryReading? _last;
    private long _floor;
    private DateTimeOffset? _lastReclaim;
    private long _afterLastReclaim;
    private TimeSpan _gap;

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

    /// <summary>RSS this far above the lowest it has been is worth a collection; a collection that gives back less found memory in use.</summary>
    public long SlackBytes { get; init; } = 8L * 1024 * 1024;

    /// <summary>The least time between two reclaims.</summary>
    public TimeSpan MinimumGap { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The most time between two reclaims while RSS stays above the slack (memory in use: a collection now and then is cheap).</summary>
    public TimeSpan MaximumGap { get; init; } = TimeSpan.FromMinutes(10);

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
            _floor = now.ResidentBytes;
            return false;
        }

        _floor = Math.Min(_floor, now.ResidentBytes);
        var quiet = now.AllocatedBytes - last.Value.AllocatedBytes < QuietAllocationBytes;
        if (!quiet || now.ResidentBytes <= _floor + SlackBytes)
            return false;
        if (_lastReclaim is { } previous)
        {
            // Grown again since the last reclaim: a new burst, so the gap starts over.
            if (now.ResidentBytes > _afterLastReclaim + SlackBytes)
                _gap = MinimumGap;
            if (_time.GetUtcNow() - previous < _gap)
                return false;
        }

        _reclaim();
        var after = _read();
        _last = after;
        _lastReclaim = _time.GetUtcNow();
        _afterLastReclaim = after.ResidentBytes;
        _gap = now.ResidentBytes - after.ResidentBytes < SlackBytes
            ? TimeSpan.FromTicks(Math.Min(Math.Max(_gap.Ticks, MinimumGap.Ticks) * 2, MaximumGap.Ticks))
            : MinimumGap;
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
