using Drover.Api.Runtime;
using Drover.ControlPlane.Storage;
using Drover.Store;

namespace Drover.ControlPlane;

/// <summary>
/// droverd's memory comes back after a burst: every 10 s the decoded-object cache lets go of entries no reader asked
/// for within <see cref="CacheIdle"/>, and <see cref="MemoryReclaimer"/> collects once the process is quiet again,
/// after closing the store's idle read connections with their page caches (docs/BENCHMARKS.md, "Memory that comes back").
/// </summary>
public sealed partial class MemoryReclaimService : BackgroundService
{
    /// <summary>The readers that share a decoded revision (one commit's fan-out) ask for it within moments of each other.</summary>
    public static readonly TimeSpan CacheIdle = TimeSpan.FromSeconds(10);

    private readonly ObjectStore _objects;
    private readonly IStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<MemoryReclaimService> _logger;

    public MemoryReclaimService(ObjectStore objects, IStore store, TimeProvider time, ILogger<MemoryReclaimService> logger)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _objects = objects;
        _store = store;
        _time = time;
        _logger = logger;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reclaimer = new MemoryReclaimer(_time, Read, Reclaim)
        {
            Reclaimed = (before, after) => LogReclaimed(_logger, before.ResidentBytes >> 20, after.ResidentBytes >> 20,
                GC.GetGCMemoryInfo().TotalCommittedBytes >> 20, (MallocHeap.Usage()?.InUse ?? -1) >> 20, (MallocHeap.Usage()?.HeldFree ?? -1) >> 20,
                ThreadPool.ThreadCount),
        };
        return reclaimer.RunAsync(stoppingToken);
    }

    // Trimmed before every look, so what the cache let go of is already garbage when the reclaimer decides.
    private MemoryReading Read()
    {
        _objects.Decoded.TrimIdle(CacheIdle);
        return MemoryReading.Current();
    }

    private void Reclaim()
    {
        (_store as SqliteStore)?.ReleaseMemory();
        MemoryReclaimer.CollectAndTrim();
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "Gave memory back after a burst: RSS {BeforeMiB} MiB -> {AfterMiB} MiB (GC committed {GcCommittedMiB} MiB, malloc in use {MallocInUseMiB} MiB, malloc held free {MallocFreeMiB} MiB, pool threads {PoolThreads})")]
    private static partial void LogReclaimed(ILogger logger, long beforeMiB, long afterMiB, long gcCommittedMiB, long mallocInUseMiB, long mallocFreeMiB, int poolThreads);
}
