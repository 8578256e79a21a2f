using Drover.Api;
using Drover.ControlPlane.Informers;

namespace Drover.ControlPlane.Controllers.Framework;

/// <summary>
/// The loop every droverd controller shares, as client-go's: informer handlers put keys on <see cref="Queue"/>;
/// once every cache the controller reads holds a full list, <see cref="Workers"/> workers take keys off the queue
/// and <see cref="SyncAsync"/> each one; a failed sync is retried with the queue's per-key backoff and reported
/// through <see cref="OnSyncFailed"/>. A controller writes only what is its own: what to watch, and how to sync.
/// </summary>
public abstract partial class QueueController : BackgroundService
{
    private readonly string _kind;
    private readonly ILogger _logger;

    /// <param name="kind">What a key names, for the log ("Job", "Service").</param>
    /// <param name="workers">Keys handled in parallel (a key is never handled by two workers at once).</param>
    /// <param name="firstRetryDelay">The queue's backoff after a key's first failure (doubling per failure) …</param>
    /// <param name="maxRetryDelay">… up to this.</param>
    protected QueueController(string kind, TimeProvider time, ILogger logger, int workers = 2, TimeSpan? firstRetryDelay = null, TimeSpan? maxRetryDelay = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        _kind = kind;
        _logger = logger;
        Workers = workers;
        Queue = new WorkQueue<string>(time, firstRetryDelay, maxRetryDelay);
    }

    public int Workers { get; }

    protected WorkQueue<string> Queue { get; }

    /// <summary>The caches <see cref="SyncAsync"/> reads: no key is handled before each has synced.</summary>
    protected abstract IEnumerable<Informer> Caches { get; }

    /// <summary>False when this controller has nothing to do in this cluster's configuration: it then never starts.</summary>
    protected virtual bool Enabled => true;

    protected abstract Task SyncAsync(string key, CancellationToken ct);

    /// <summary>Runs once the caches have synced, before the first sync (a single-key controller queues its key here).</summary>
    protected virtual void OnCachesSynced()
    {
    }

    /// <summary>
    /// A failed sync, which the queue retries with backoff. A conflict only means the cache was a step behind our own
    /// or someone's write: routine, so it is logged at Debug; anything else is a warning.
    /// </summary>
    protected virtual void OnSyncFailed(string key, Exception e)
    {
        if (e is ApiException { Status.Code: 409 })
            LogSyncConflict(_logger, _kind, key, e.Message);
        else
            LogSyncFailed(e, key);
    }

    /// <summary>The warning of <see cref="OnSyncFailed"/>, for controllers that decide themselves which failures are routine.</summary>
    protected void LogSyncFailed(Exception e, string key) => LogSyncFailed(_logger, e, _kind, key);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
            return;
        try
        {
            await Task.WhenAll(Caches.Select(cache => cache.Synced)).WaitAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        OnCachesSynced();
        await Queue.RunAsync(Workers, SyncAsync, OnSyncFailed, stoppingToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        Queue.Dispose();
        base.Dispose();
        GC.SuppressFinalize(this);
    }

    [LoggerMessage(EventId = 1900, Level = LogLevel.Warning, Message = "{Kind} {Key} sync failed; retrying with backoff")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception, string kind, string key);

    [LoggerMessage(EventId = 1901, Level = LogLevel.Debug, Message = "{Kind} {Key} sync hit a conflict; retrying: {Reason}")]
    private static partial void LogSyncConflict(ILogger logger, string kind, string key, string reason);
}
