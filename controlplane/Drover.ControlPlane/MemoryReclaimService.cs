using Drover.Api.Runtime;
using Drover.ControlPlane.Storage;

namespace Drover.ControlPlane;

/// <summary>
/// droverd's memory comes back after a burst: every 10 s the decoded-object cache lets go of entries no reader asked
/// for within <see cref="CacheIdle"/>, and <see cref="MemoryReclaimer"/> collects once the process is quiet again
/// (docs/BENCHMARKS.md, "Memory that comes back").
/// </summary>
public sealed partial class MemoryReclaimService : BackgroundService
{
    /// <summary>The readers that share a decoded revision (one commit's fan-out) ask for it within moments of each other.</summary>
    public static readonly TimeSpan CacheIdle = TimeSpan.FromSeconds(30);

    private readonly ObjectStore _objects;
    private readonly TimeProvider _time;
    private readonly ILogger<MemoryReclaimService> _logger;

    public MemoryReclaimService(ObjectStore objects, TimeProvider time, ILogger<MemoryReclaimService> logger)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _objects = objects;
        _time = time;
        _logger = logger;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reclaimer = new MemoryReclaimer(_time, Read, MemoryReclaimer.CollectAndTrim)
        {
            Reclaimed = (before, after) => LogReclaimed(_logger, before.ResidentBytes >> 20, after.ResidentBytes >> 20),
        };
        return reclaimer.RunAsync(stoppingToken);
    }

    // Trimmed before every look, so what the cache let go of is already garbage when the reclaimer decides.
    private MemoryReading Read()
    {
        _objects.Decoded.TrimIdle(CacheIdle);
        return MemoryReading.Current();
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "Gave memory back after a burst: RSS {BeforeMiB} MiB -> {AfterMiB} MiB")]
    private static partial void LogReclaimed(ILogger logger, long beforeMiB, long afterMiB);
}
