using System.Diagnostics;
using Drover.Api;
using Drover.Api.Client;
using Microsoft.Extensions.Logging;

namespace Drover.Agent.ServiceProxy;

/// <summary>
/// The node's service proxy: Services and EndpointSlices listed and watched from droverd, and every change put in
/// the kernel as one nft transaction with only the service ports that changed (<see cref="NftRuleset"/>). The first
/// transaction after a start reconciles what an earlier agent left in place (rewritten in one step, never flushed
/// first), so service traffic keeps flowing across agent restarts. When droverd is unreachable the rules stay as
/// they are.
/// </summary>
internal sealed partial class ServiceProxier
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly Func<DroverClient> _api;
    private readonly NftClient _nft;
    private readonly string _clusterCidr;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, Service> _services = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EndpointSlice> _slices = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _changed = new(0, 1);
    private bool _servicesListed;
    private bool _slicesListed;
    private Dictionary<string, ProxiedPort> _applied = new(StringComparer.Ordinal);
    private bool _reconciled;

    public ServiceProxier(Func<DroverClient> api, NftClient nft, string clusterCidr, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(nft);
        ArgumentException.ThrowIfNullOrEmpty(clusterCidr);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _api = api;
        _nft = nft;
        _clusterCidr = clusterCidr;
        _time = time;
        _logger = logger;
    }

    /// <summary>Transactions applied, and the last one's duration and size (for /metrics and benchmarks).</summary>
    public long Syncs { get; private set; }

    public TimeSpan LastSyncDuration { get; private set; }

    public int LastTransactionBytes { get; private set; }

    /// <summary>Raised after each applied transaction, with the time it completed (benchmarks measure change → kernel).</summary>
    public event Action<DateTimeOffset>? Applied;

    public Task RunAsync(CancellationToken ct) => Task.WhenAll(
        WatchAsync(ResourceTypes.Services, _services, () => _servicesListed = true, ct),
        WatchAsync(ResourceTypes.EndpointSlices, _slices, () => _slicesListed = true, ct),
        SyncLoopAsync(ct));

    private async Task SyncLoopAsync(CancellationToken ct)
    {
        var backoff = TimeSpan.FromMilliseconds(200);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await _changed.WaitAsync(ct).ConfigureAwait(false);
                await SyncAsync(ct).ConfigureAwait(false);
                backoff = TimeSpan.FromMilliseconds(200);
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
                    await Task.Delay(backoff, _time, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                backoff = backoff * 2 > MaxBackoff ? MaxBackoff : backoff * 2;
                Signal();
            }
        }
    }

    private async Task SyncAsync(CancellationToken ct)
    {
        Dictionary<string, ProxiedPort> desired;
        lock (_gate)
        {
            // Until both are listed, a partial picture would remove rules that are still right.
            if (!_servicesListed || !_slicesListed)
                return;
            desired = ProxyModel.Build(_services.Values, _slices.Values);
        }
        var started = Stopwatch.GetTimestamp();
        var full = !_reconciled;
        var existing = full ? await _nft.ListChainsAsync(NftRuleset.Table, ct).ConfigureAwait(false) : [];
        var script = NftRuleset.Transaction(_applied, desired, full, existing, _clusterCidr);
        if (script.Length > 0)
            await _nft.ApplyAsync(script, ct).ConfigureAwait(false);
        _applied = desired;
        _reconciled = true;
        if (script.Length == 0)
            return;
        Syncs++;
        LastSyncDuration = Stopwatch.GetElapsedTime(started);
        LastTransactionBytes = script.Length;
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

    private async Task WatchAsync<T>(ResourceType type, Dictionary<string, T> cache, Action listed, CancellationToken ct) where T : KubeObject
    {
        var backoff = TimeSpan.FromMilliseconds(500);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var page = await _api().ListAsync(type, null, ct: ct).ConfigureAwait(false);
                lock (_gate)
                {
                    cache.Clear();
                    foreach (var obj in page.Items)
                        if (obj is T typed)
                            cache[Key(typed)] = typed;
                    listed();
                }
                Signal();
                backoff = TimeSpan.FromMilliseconds(500);
                var resourceVersion = page.ResourceVersion;
                var relist = false;
                while (!ct.IsCancellationRequested && !relist)
                {
                    await foreach (var ev in _api().WatchAsync(type, null, resourceVersion, bookmarks: true, ct: ct).ConfigureAwait(false))
                    {
                        if (ev.Type == "ERROR")
                        {
                            relist = true;
                            break;
                        }
                        if (ev.Object is T obj)
                        {
                            lock (_gate)
                            {
                                if (ev.Type == "DELETED")
                                    cache.Remove(Key(obj));
                                else if (ev.Type is "ADDED" or "MODIFIED")
                                    cache[Key(obj)] = obj;
                            }
                            if (ev.Type != "BOOKMARK")
                                Signal();
                        }
                        resourceVersion = ev.ResourceVersion ?? resourceVersion;
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is ApiClientException or HttpRequestException or IOException or System.Text.Json.JsonException)
            {
                LogWatchFailed(type.Plural, e.Message);
                try
                {
                    await Task.Delay(backoff, _time, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                backoff = backoff * 2 > MaxBackoff ? MaxBackoff : backoff * 2;
            }
        }
    }

    private static string Key(KubeObject obj) => obj.Metadata.Namespace + "/" + obj.Metadata.Name;

    [LoggerMessage(Level = LogLevel.Information, Message = "service proxy: {Ports} service ports in the kernel ({Bytes} bytes of nft transaction in {Milliseconds} ms, full {Full})")]
    private partial void LogSynced(int ports, int bytes, double milliseconds, bool full);

    [LoggerMessage(Level = LogLevel.Warning, Message = "service proxy: nft transaction failed, retrying with a full rewrite: {Error}")]
    private partial void LogSyncFailed(string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "service proxy: watching {Resource} failed, the rules in the kernel stay as they are: {Error}")]
    private partial void LogWatchFailed(string resource, string error);
}
