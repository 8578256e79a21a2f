using Drover.Agent.Configuration;
using Drover.Agent.Metrics;
using Drover.Api;
using Drover.Api.Client;
using Microsoft.Extensions.Logging;

namespace Drover.Agent.Node;

/// <summary>
/// The node's heartbeat: Lease kube-node-lease/NODE, renewed every lease interval. A failed renewal is
/// retried with backoff (200 ms doubling, capped at the interval) and counted; the loop never ends on an
/// error. The renewal after a failure (or after a stall longer than two intervals) asks the status reporter
/// for a fresh status write at once, since droverd may have marked the node Unknown meanwhile.
/// </summary>
internal sealed partial class LeaseHeartbeat
{
    public const string LeaseNamespace = "kube-node-lease";
    public const int LeaseDurationSeconds = 40;
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(200);

    private readonly DroverClient _api;
    private readonly AgentOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action? _recovered;
    private Lease? _lease;
    private string? _nodeUid;
    private int _consecutiveFailures;

    public LeaseHeartbeat(DroverClient api, AgentOptions options, TimeProvider time, ILogger<LeaseHeartbeat> logger, Action? recovered = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _api = api;
        _options = options;
        _time = time;
        _logger = logger;
        _recovered = recovered;
    }

    /// <summary>When droverd last accepted a renewal (null before the first).</summary>
    public DateTimeOffset? LastRenewed { get; private set; }

    /// <summary>The Node's uid, for the Lease's owner reference (the Lease goes when the Node is deleted).</summary>
    public void SetNodeUid(string? uid) => _nodeUid = uid;

    public async Task RunAsync(CancellationToken ct)
    {
        var retry = new Backoff(FirstRetry < _options.LeaseInterval ? FirstRetry : _options.LeaseInterval, _options.LeaseInterval);
        while (!ct.IsCancellationRequested)
        {
            TimeSpan delay;
            try
            {
                await RenewAsync(ct).ConfigureAwait(false);
                retry.Reset();
                delay = _options.LeaseInterval;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                AgentMetrics.HeartbeatFailures.Inc();
                _lease = null;
                if (_consecutiveFailures++ == 0 || _consecutiveFailures % 10 == 0)
                    Log.Failed(_logger, _consecutiveFailures, e.Message);
                delay = retry.Next();
            }
            try
            {
                await Task.Delay(delay, _time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Creates or renews the Lease once; throws on failure.</summary>
    public async Task RenewAsync(CancellationToken ct)
    {
        var now = MicroTime(_time.GetUtcNow());
        var lease = _lease ?? await _api.TryGetAsync(ResourceTypes.Leases, LeaseNamespace, _options.NodeName, ct).ConfigureAwait(false);
        try
        {
            _lease = lease is null
                ? await _api.CreateAsync(ResourceTypes.Leases, NewLease(now), ct).ConfigureAwait(false)
                : await _api.UpdateAsync(ResourceTypes.Leases, lease with { Spec = lease.Spec with { HolderIdentity = _options.NodeName, LeaseDurationSeconds = LeaseDurationSeconds, RenewTime = now } }, null, ct).ConfigureAwait(false);
        }
        catch (ApiClientException e) when (e.Code is 409 or 404)
        {
            // Our copy is stale (someone else wrote or deleted it): read afresh next time, retry soon.
            _lease = null;
            throw;
        }
        // A renewal long after the previous one (the agent or its machine stalled, though no call failed) may
        // also have let droverd mark the node Unknown: treat it as a recovery too.
        var stalled = LastRenewed is { } previous && now - previous > 2 * _options.LeaseInterval;
        LastRenewed = now;
        AgentMetrics.Heartbeats.Inc();
        AgentMetrics.LastHeartbeat.Set(now.ToUnixTimeMilliseconds() / 1000.0);
        if (_consecutiveFailures > 0 || stalled)
        {
            Log.Recovered(_logger, _consecutiveFailures);
            _consecutiveFailures = 0;
            _recovered?.Invoke();
        }
    }

    private Lease NewLease(DateTimeOffset now) => new()
    {
        ApiVersion = "coordination.k8s.io/v1",
        Kind = "Lease",
        Metadata = new ObjectMeta
        {
            Name = _options.NodeName,
            Namespace = LeaseNamespace,
            OwnerReferences = _nodeUid is null ? null : [new OwnerReference { ApiVersion = "v1", Kind = "Node", Name = _options.NodeName, Uid = _nodeUid }],
        },
        Spec = new LeaseSpec { HolderIdentity = _options.NodeName, LeaseDurationSeconds = LeaseDurationSeconds, RenewTime = now },
    };

    /// <summary>Lease times are MicroTime: microsecond precision.</summary>
    internal static DateTimeOffset MicroTime(DateTimeOffset time) => new(time.UtcTicks - time.UtcTicks % 10, TimeSpan.Zero);

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Warning, Message = "renewing the node lease failed ({Failures} in a row): {Error}")]
        public static partial void Failed(ILogger logger, int failures, string error);

        [LoggerMessage(Level = LogLevel.Information, Message = "node lease renewed again after {Failures} failures")]
        public static partial void Recovered(ILogger logger, int failures);
    }
}
