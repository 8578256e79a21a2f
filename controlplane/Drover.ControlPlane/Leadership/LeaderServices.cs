using Drover.Api;
using Drover.ControlPlane.Storage;
using Drover.Store;

namespace Drover.ControlPlane.Leadership;

/// <summary>
/// Runs what must run once in the cluster — the scheduler, the controllers, the allocators' reconcilers, compaction —
/// on the elected replica only. They are created when this replica becomes leader (a follower holds no queues and
/// hears no events for them), started inside the leader's write fence (<see cref="WriteFencing"/>), and stopped as
/// soon as leadership is lost, after which droverd starts over (<see cref="ServerRestart"/>). Without an elector (the
/// embedded SQLite store, which one process alone can open) this replica simply leads, unfenced.
/// </summary>
public sealed partial class LeaderServices : BackgroundService
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly LeaderElector? _elector;
    private readonly WriteFencing _fencing;
    private readonly IReadOnlyList<Func<IHostedService>> _factories;
    private readonly ServerRestart _restart;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource<StoreFence?> _leading = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public LeaderServices(LeaderElector? elector, WriteFencing fencing, IReadOnlyList<Func<IHostedService>> factories, ServerRestart restart, ILogger<LeaderServices> logger)
    {
        ArgumentNullException.ThrowIfNull(fencing);
        ArgumentNullException.ThrowIfNull(factories);
        ArgumentNullException.ThrowIfNull(restart);
        ArgumentNullException.ThrowIfNull(logger);
        _elector = elector;
        _fencing = fencing;
        _factories = factories;
        _restart = restart;
        _logger = logger;
    }

    /// <summary>Completes with the fence once this replica leads and its leader services have started.</summary>
    public Task<StoreFence?> Leading => _leading.Task;

    public bool IsLeader => _leading.Task.IsCompletedSuccessfully;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_elector is null)
        {
            var started = await StartAllAsync(stoppingToken).ConfigureAwait(false);
            _leading.TrySetResult(null);
            try
            {
                await Task.Delay(Timeout.Infinite, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            await StopAllAsync(started).ConfigureAwait(false);
            return;
        }

        try
        {
            await _elector.AcquireAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        // Take the fence before acting: from this write on, anything the previous leader still sends is refused.
        StoreFence fence;
        try
        {
            fence = await _fencing.AdvanceAsync(_elector.Identity, stoppingToken).ConfigureAwait(false);
        }
        catch (StoreException e)
        {
            LogFenceFailed(_logger, e, _elector.Identity);
            _restart.Request();
            return;
        }

        LogLeading(_logger, _elector.Identity, fence.ModRevision);
        using var term = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var services = await _fencing.Run(fence, () => StartAllAsync(term.Token)).ConfigureAwait(false);
        _leading.TrySetResult(fence);
        try
        {
            await _elector.HoldAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Stop acting first; whatever is still in flight meets the fence once the next leader advances it.
        await term.CancelAsync().ConfigureAwait(false);
        await StopAllAsync(services).ConfigureAwait(false);
        if (stoppingToken.IsCancellationRequested)
        {
            using var release = new CancellationTokenSource(StopTimeout);
            await _elector.ReleaseAsync(release.Token).ConfigureAwait(false);
            return;
        }

        LogRestarting(_logger, _elector.Identity);
        _restart.Request();
    }

    private async Task<List<IHostedService>> StartAllAsync(CancellationToken ct)
    {
        var started = new List<IHostedService>(_factories.Count);
        foreach (var factory in _factories)
        {
            var service = factory();
            await service.StartAsync(ct).ConfigureAwait(false);
            started.Add(service);
        }
        return started;
    }

    private async Task StopAllAsync(List<IHostedService> services)
    {
        using var timeout = new CancellationTokenSource(StopTimeout);
        foreach (var service in Enumerable.Reverse(services))
        {
            try
            {
                await service.StopAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ApiException or StoreException)
            {
                LogStopFailed(_logger, e, service.GetType().Name);
            }
        }
    }

    [LoggerMessage(EventId = 710, Level = LogLevel.Information, Message = "{Identity} leads: scheduler and controllers started (fence at revision {Fence})")]
    private static partial void LogLeading(ILogger logger, string identity, long fence);

    [LoggerMessage(EventId = 711, Level = LogLevel.Warning, Message = "{Identity} is no longer the leader: its scheduler and controllers stopped; droverd starts over as a follower")]
    private static partial void LogRestarting(ILogger logger, string identity);

    [LoggerMessage(EventId = 713, Level = LogLevel.Error, Message = "{Identity} won the lease but could not take the fence; starting over")]
    private static partial void LogFenceFailed(ILogger logger, Exception exception, string identity);

    [LoggerMessage(EventId = 712, Level = LogLevel.Warning, Message = "{Service} did not stop cleanly")]
    private static partial void LogStopFailed(ILogger logger, Exception exception, string service);
}
