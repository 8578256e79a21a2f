using Drover.Store;

namespace Drover.ControlPlane.Storage;

/// <summary>
/// Drops store history older than one interval, as Kubernetes compacts etcd every five minutes:
/// watchers can resume within the window; older revisions get 410 Gone and must list again.
/// </summary>
public sealed partial class CompactionService : BackgroundService
{
    private readonly IStore _store;
    private readonly ServerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<CompactionService> _logger;

    public CompactionService(IStore store, ServerOptions options, TimeProvider time, ILogger<CompactionService> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _store = store;
        _options = options;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var previous = _store.CurrentRevision;
        using var timer = new PeriodicTimer(_options.CompactionInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    if (previous > _store.CompactedRevision)
                    {
                        await _store.CompactAsync(previous, stoppingToken).ConfigureAwait(false);
                        LogCompacted(_logger, previous);
                    }
                }
                catch (StoreException e)
                {
                    LogFailed(_logger, e);
                }
                previous = _store.CurrentRevision;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Debug, Message = "Compacted the store at revision {Revision}")]
    private static partial void LogCompacted(ILogger logger, long revision);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "Store compaction failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
