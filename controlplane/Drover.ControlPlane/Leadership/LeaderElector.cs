using Drover.Api;
using Drover.ControlPlane.Registry;

namespace Drover.ControlPlane.Leadership;

/// <summary>
/// client-go's leader election over a coordination.k8s.io Lease, through the registry like any other write: the lease
/// is taken or renewed by compare-and-swap on its resourceVersion, and expiry is judged by this replica's own monotonic
/// clock — the time it last saw the lease change plus the lease duration — never by comparing clocks across machines.
/// </summary>
public sealed partial class LeaderElector
{
    private readonly ObjectService _objects;
    private readonly LeaderElectionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private Lease? _observed;
    private long _observedAt;

    public LeaderElector(ObjectService objects, LeaderElectionOptions options, string identity, TimeProvider time, ILogger<LeaderElector> logger)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(identity);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        _objects = objects;
        _options = options;
        Identity = identity;
        _time = time;
        _logger = logger;
    }

    /// <summary>This replica's name in the lease: host name and a random suffix, new for every start.</summary>
    public string Identity { get; }

    /// <summary>Who held the lease when this replica last looked (null: nobody).</summary>
    public string? ObservedHolder => _observed?.Spec.HolderIdentity;

    /// <summary>
    /// Campaigns every retry period until this replica holds the lease. A store that cannot answer (etcd without a
    /// majority) is waited out: a follower keeps serving (503 with the store's reason) instead of ending the process.
    /// </summary>
    public async Task AcquireAsync(CancellationToken ct)
    {
        var failing = false;
        while (true)
        {
            try
            {
                if (await TryAcquireOrRenewAsync(ct).ConfigureAwait(false))
                    return;
                failing = false;
            }
            catch (ApiException e) when (!ct.IsCancellationRequested)
            {
                // Said once per outage, not every retry period.
                if (!failing)
                    LogCampaignFailed(_logger, e.Message);
                failing = true;
            }
            await Task.Delay(_options.RetryPeriod, _time, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Renews every retry period and returns once leadership is lost: another replica holds the lease, or no renewal
    /// succeeded for the renew deadline. Each renewal counts from the moment it was sent, so the leader stops acting
    /// no later than the others could have judged the lease expired.
    /// </summary>
    public async Task HoldAsync(CancellationToken ct)
    {
        var lastRenewal = _time.GetTimestamp();
        while (true)
        {
            await Task.Delay(_options.RetryPeriod, _time, ct).ConfigureAwait(false);
            var sent = _time.GetTimestamp();
            var remaining = _options.RenewDeadline - _time.GetElapsedTime(lastRenewal);
            if (remaining <= TimeSpan.Zero)
            {
                LogRenewDeadline(_logger, _options.RenewDeadline.TotalSeconds);
                return;
            }
            try
            {
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
                deadline.CancelAfter(remaining);
                if (await TryAcquireOrRenewAsync(deadline.Token).ConfigureAwait(false))
                {
                    lastRenewal = sent;
                    continue;
                }
                if (ObservedHolder is { Length: > 0 } holder && holder != Identity)
                {
                    LogTakenOver(_logger, holder);
                    return;
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // The renewal outlived the deadline: the next turn notices.
            }
            catch (ApiException e)
            {
                LogRenewFailed(_logger, e.Message);
            }
        }
    }

    /// <summary>On a clean shutdown: empties the holder so another replica takes over at once rather than after the lease duration.</summary>
    public async Task ReleaseAsync(CancellationToken ct)
    {
        if (_observed is not { } lease || lease.Spec.HolderIdentity != Identity)
            return;
        try
        {
            var released = lease with { Spec = lease.Spec with { HolderIdentity = null, LeaseDurationSeconds = 1, RenewTime = _time.GetUtcNow() } };
            await _objects.UpdateAsync(ResourceTypes.Leases, released, lease, statusOnly: false, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ApiException or OperationCanceledException)
        {
            // Best effort: the lease then simply expires.
        }
    }

    private async Task<bool> TryAcquireOrRenewAsync(CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var durationSeconds = (int)Math.Ceiling(_options.LeaseDuration.TotalSeconds);
        var lease = await _objects.GetAsync(ResourceTypes.Leases, _options.LeaseNamespace, _options.LeaseName, ct).ConfigureAwait(false);
        if (lease is null)
        {
            var created = new Lease
            {
                ApiVersion = "coordination.k8s.io/v1",
                Kind = "Lease",
                Metadata = new ObjectMeta { Name = _options.LeaseName, Namespace = _options.LeaseNamespace },
                Spec = new LeaseSpec { HolderIdentity = Identity, LeaseDurationSeconds = durationSeconds, AcquireTime = now, RenewTime = now, LeaseTransitions = 0 },
            };
            try
            {
                Observe(await _objects.CreateAsync(ResourceTypes.Leases, created, ct).ConfigureAwait(false));
                return true;
            }
            catch (ApiException e) when (e.Status.Code == 409)
            {
                return false;
            }
        }

        if (_observed?.Metadata.ResourceVersion != lease.Metadata.ResourceVersion)
            Observe(lease);
        var holder = lease.Spec.HolderIdentity;
        var leading = holder == Identity;
        if (!leading && !string.IsNullOrEmpty(holder) && _time.GetElapsedTime(_observedAt) < _options.LeaseDuration)
            return false;

        var spec = lease.Spec with
        {
            HolderIdentity = Identity,
            LeaseDurationSeconds = durationSeconds,
            RenewTime = now,
            AcquireTime = leading ? lease.Spec.AcquireTime : now,
            LeaseTransitions = leading ? lease.Spec.LeaseTransitions : (lease.Spec.LeaseTransitions ?? 0) + 1,
        };
        try
        {
            Observe(await _objects.UpdateAsync(ResourceTypes.Leases, lease with { Spec = spec }, lease, statusOnly: false, ct).ConfigureAwait(false));
            return true;
        }
        catch (ApiException e) when (e.Status.Code is 409 or 404)
        {
            return false;
        }
    }

    private void Observe(Lease lease)
    {
        _observed = lease;
        _observedAt = _time.GetTimestamp();
    }

    [LoggerMessage(EventId = 700, Level = LogLevel.Warning, Message = "Leadership lost: no renewal succeeded within the renew deadline ({Seconds} s)")]
    private static partial void LogRenewDeadline(ILogger logger, double seconds);

    [LoggerMessage(EventId = 701, Level = LogLevel.Warning, Message = "Leadership lost: {Holder} holds the lease")]
    private static partial void LogTakenOver(ILogger logger, string holder);

    [LoggerMessage(EventId = 702, Level = LogLevel.Warning, Message = "Lease renewal failed: {Reason}")]
    private static partial void LogRenewFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 703, Level = LogLevel.Warning, Message = "Cannot campaign for the leader lease (trying again every retry period): {Reason}")]
    private static partial void LogCampaignFailed(ILogger logger, string reason);
}
