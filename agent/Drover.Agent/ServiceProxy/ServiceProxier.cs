using System.Diagnostics;
using Drover.Agent.Discovery;
using Drover.Agent.Metrics;
using Drover.Api.Client;
using Microsoft.Extensions.Logging;

namespace Drover.Agent.ServiceProxy;

/// <summary>
/// The node's service proxy: Services and EndpointSlices from the agent's <see cref="ServiceWatch"/>, and every change put in
/// the kernel as one nft transaction with only the service ports that changed (<see cref="NftRuleset"/>). The first
/// transaction after a start reconciles what an earlier agent left in place (rewritten in one step, never flushed
/// first), so service traffic keeps flowing across agent restarts. When droverd is unreachable the rules stay as
/// they are.
/// </summary>
internal sealed partial class ServiceProxier
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly ServiceWatch _watch;
    private readonly NftClient _nft;
    private readonly string _clusterCidr;
    private readonly string? _nodeName;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _changed = new(0, 1);
    private Dictionary<string, ProxiedPort> _applied = new(StringComparer.Ordinal);
    private volatile bool _reconciled;

    /// <param name="nodeName">This node's name: the endpoints on it are the ones a Local traffic policy keeps (null: none are).</param>
    public ServiceProxier(ServiceWatch watch, NftClient nft, string clusterCidr, TimeProvider time, ILogger logger, string? nodeName = null)
    {
        ArgumentNullException.ThrowIfNull(watch);
        ArgumentNullException.ThrowIfNull(nft);
        ArgumentException.ThrowIfNullOrEmpty(clusterCidr);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _watch = watch;
        _nft = nft;
        _clusterCidr = clusterCidr;
        _nodeName = nodeName;
        _time = time;
        _logger = logger;
    }

    /// <summary>Transactions applied, and the last one's duration and size (for /metrics and benchmarks).</summary>
    public long Syncs { get; private set; }

    public TimeSpan LastSyncDuration { get; private set; }

    public int LastTransactionBytes { get; private set; }

    /// <summary>Whether the kernel holds what the last snapshot asked for (false until the first sync, and after a failed one).</summary>
    public bool InSync => _reconciled;

    /// <summary>Answers the healthCheckNodePorts of this node's LoadBalancer Services (kube-proxy's); null: none are answered.</summary>
    public ServiceHealthServer? HealthServer { get; init; }

    /// <summary>Raised after each applied transaction, with the time it completed (benchmarks measure change → kernel).</summary>
    public event Action<DateTimeOffset>? Applied;

    /// <summary>Applies changes until <paramref name="ct"/> ends; the watch itself is run by its owner.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        _watch.Changed += Signal;
        LogTransport(_nft.InProcess ? "in process (libnftables)" : "through the nft command");
        try
        {
            Signal();
            await SyncLoopAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _watch.Changed -= Signal;
        }
    }

    private async Task SyncLoopAsync(CancellationToken ct)
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(200), MaxBackoff);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await _changed.WaitAsync(ct).ConfigureAwait(false);
                await SyncAsync(ct).ConfigureAwait(false);
                backoff.Reset();
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (NftException e)
            {
                LogSyncFailed(e.Message);
                // What is in the kernel is unknown now: the next transaction rewrites everything.
                _reconciled = false;
                try
                {
                    await Task.Delay(backoff.Next(), _time, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                Signal();
            }
        }
    }

    private async Task SyncAsync(CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        if (!_watch.TrySnapshot(out var services, out var slices))
            return;
        var desired = ProxyModel.Build(services, slices, _nodeName);
        var full = !_reconciled;
        var existing = full ? await _nft.ListChainsAsync(NftRuleset.Table, ct).ConfigureAwait(false) : [];
        var script = NftRuleset.Transaction(_applied, desired, full, existing, _clusterCidr);
        if (script.Length > 0)
            await _nft.ApplyAsync(script, ct).ConfigureAwait(false);
        _applied = desired;
        _reconciled = true;
        HealthServer?.Sync(HealthCheckModel.Build(services, slices, _nodeName));
        if (script.Length == 0)
            return;
        Syncs++;
        LastSyncDuration = Stopwatch.GetElapsedTime(started);
        LastTransactionBytes = script.Length;
        AgentMetrics.ServiceProxySyncDuration.Observe(LastSyncDuration.TotalSeconds);
        AgentMetrics.ServiceProxyPorts.Set(desired.Count);
        AgentMetrics.ServiceProxyTransactionBytes.Set(script.Length);
        LogSynced(desired.Count, script.Length, LastSyncDuration.TotalMilliseconds, full);
        Applied?.Invoke(_time.GetUtcNow());
    }

    private void Signal()
    {
        // At most one pending wake-up: a burst of watch events becomes one transaction.
        if (_changed.CurrentCount == 0)
        {
            try
            {
                _changed.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "service proxy: {Ports} service ports in the kernel ({Bytes} bytes of nft transaction in {Milliseconds} ms, full {Full})")]
    private partial void LogSynced(int ports, int bytes, double milliseconds, bool full);

    [LoggerMessage(Level = LogLevel.Information, Message = "service proxy: nftables transactions run {Transport}")]
    private partial void LogTransport(string transport);

    [LoggerMessage(Level = LogLevel.Warning, Message = "service proxy: nft transaction failed, retrying with a full rewrite: {Error}")]
    private partial void LogSyncFailed(string error);

}
