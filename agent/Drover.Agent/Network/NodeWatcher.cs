using Drover.Api;
using Drover.Api.Client;
using Microsoft.Extensions.Logging;

namespace Drover.Agent.Network;

/// <summary>
/// The cluster's Nodes, kept by list-then-watch (resumed from the last revision; listed again after an ERROR or a
/// failure, with back-off), and <see cref="Changed"/> called on every change. Deliberately thin: the agent gets one
/// shared reflector later, and this is what it replaces.
/// </summary>
internal sealed partial class NodeWatcher
{
    private static readonly TimeSpan InitialBackoff = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    private readonly DroverClient _api;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private Dictionary<string, Api.Node> _nodes = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public NodeWatcher(DroverClient api, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _api = api;
        _time = time;
        _logger = logger;
    }

    /// <summary>Called after every change to the copy (from the watch loop: keep it short).</summary>
    public Action? Changed { get; set; }

    /// <summary>Completes with the first successful list.</summary>
    public Task Synced => _synced.Task;

    public IReadOnlyList<Api.Node> Snapshot()
    {
        lock (_lock)
            return [.. _nodes.Values];
    }

    public async Task RunAsync(CancellationToken ct)
    {
        var backoff = InitialBackoff;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var page = await _api.ListAsync(ResourceTypes.Nodes, null, ct: ct).ConfigureAwait(false);
                var fresh = new Dictionary<string, Api.Node>(StringComparer.Ordinal);
                foreach (var node in page.Items.OfType<Api.Node>())
                    fresh[node.Metadata.Name!] = node;
                lock (_lock)
                    _nodes = fresh;
                _synced.TrySetResult();
                Changed?.Invoke();
                backoff = InitialBackoff;
                await WatchAsync(page.ResourceVersion, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is ApiClientException or HttpRequestException or IOException or System.Text.Json.JsonException or TaskCanceledException)
            {
                LogWatchFailed(_logger, e.Message, backoff);
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

    /// <summary>Returns when the watch must give way to a fresh list (an ERROR event: 410 Gone).</summary>
    private async Task WatchAsync(string? resourceVersion, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await foreach (var ev in _api.WatchAsync(ResourceTypes.Nodes, null, resourceVersion, bookmarks: true, ct: ct).ConfigureAwait(false))
            {
                switch (ev.Type)
                {
                    case "ADDED" or "MODIFIED" when ev.Object is Api.Node node:
                        lock (_lock)
                            _nodes[node.Metadata.Name!] = node;
                        Changed?.Invoke();
                        break;
                    case "DELETED" when ev.Object is Api.Node node:
                        lock (_lock)
                            _nodes.Remove(node.Metadata.Name!);
                        Changed?.Invoke();
                        break;
                    case "ERROR":
                        LogWatchError(_logger, ev.Error?.Code ?? 0, ev.Error?.Message);
                        return;
                }
                resourceVersion = ev.ResourceVersion ?? resourceVersion;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "watching nodes failed: {Error}; listing again in {Delay}")]
    private static partial void LogWatchFailed(ILogger logger, string error, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "the node watch ended with an error ({Code}: {Message}); listing again")]
    private static partial void LogWatchError(ILogger logger, int code, string? message);
}
