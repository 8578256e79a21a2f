using Drover.Api;
using Drover.Api.Client;
using Microsoft.Extensions.Logging;

namespace Drover.Ingress.Config;

/// <summary>
/// List, then watch from the list's revision, for one kind: a local copy keyed "namespace/name" and a
/// callback on every change. A stream that ends is resumed; an ERROR (410 Gone) or a failure lists again
/// after a backoff. A relist replaces the copy, so objects deleted while disconnected disappear.
/// </summary>
public sealed partial class ResourceWatcher
{
    private static readonly TimeSpan InitialBackoff = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    private readonly DroverClient _client;
    private readonly ResourceType _type;
    private readonly string? _fieldSelector;
    private readonly Action _changed;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private Dictionary<string, KubeObject> _objects = new(StringComparer.Ordinal);

    public ResourceWatcher(DroverClient client, ResourceType type, string? fieldSelector, Action changed, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(changed);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _client = client;
        _type = type;
        _fieldSelector = fieldSelector;
        _changed = changed;
        _time = time;
        _logger = logger;
    }

    public ResourceType Type => _type;

    /// <summary>Completes after the first successful list.</summary>
    public Task Synced => _synced.Task;

    public Dictionary<string, T> Snapshot<T>()
        where T : KubeObject
    {
        lock (_lock)
        {
            var copy = new Dictionary<string, T>(_objects.Count, StringComparer.Ordinal);
            foreach (var (key, value) in _objects)
                if (value is T typed)
                    copy[key] = typed;
            return copy;
        }
    }

    public async Task RunAsync(CancellationToken ct)
    {
        var backoff = InitialBackoff;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var page = await _client.ListAsync(_type, null, fieldSelector: _fieldSelector, ct: ct).ConfigureAwait(false);
                var fresh = new Dictionary<string, KubeObject>(StringComparer.Ordinal);
                foreach (var item in page.Items)
                    fresh[ClusterObjects.Key(item)] = item;
                lock (_lock)
                    _objects = fresh;
                _synced.TrySetResult();
                _changed();
                LogListed(_logger, _type.Plural, fresh.Count, page.ResourceVersion);
                backoff = InitialBackoff;
                await WatchAsync(page.ResourceVersion, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is ApiClientException or HttpRequestException or IOException or System.Text.Json.JsonException)
            {
                LogWatchFailed(_logger, _type.Plural, e.Message, backoff.TotalMilliseconds);
                await Task.Delay(backoff, _time, ct).ConfigureAwait(false);
                backoff = backoff * 2 > MaxBackoff ? MaxBackoff : backoff * 2;
            }
        }
    }

    /// <summary>Returns when the watch must be replaced by a fresh list (ERROR event).</summary>
    private async Task WatchAsync(string? resourceVersion, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await foreach (var ev in _client.WatchAsync(_type, null, resourceVersion, fieldSelector: _fieldSelector, bookmarks: true, ct: ct).ConfigureAwait(false))
            {
                switch (ev.Type)
                {
                    case "ADDED" or "MODIFIED" when ev.Object is { } obj:
                        lock (_lock)
                            _objects[ClusterObjects.Key(obj)] = obj;
                        _changed();
                        break;
                    case "DELETED" when ev.Object is { } obj:
                        lock (_lock)
                            _objects.Remove(ClusterObjects.Key(obj));
                        _changed();
                        break;
                    case "ERROR":
                        LogWatchError(_logger, _type.Plural, ev.Error?.Code ?? 0, ev.Error?.Message);
                        return;
                }
                resourceVersion = ev.ResourceVersion ?? resourceVersion;
            }
        }
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Debug, Message = "listed {Kind}: {Count} at revision {ResourceVersion}")]
    private static partial void LogListed(ILogger logger, string kind, int count, string? resourceVersion);

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "watching {Kind} failed: {Reason}; listing again in {BackoffMs} ms")]
    private static partial void LogWatchFailed(ILogger logger, string kind, string reason, double backoffMs);

    [LoggerMessage(EventId = 202, Level = LogLevel.Information, Message = "watch of {Kind} ended with an error ({Code}: {Message}); listing again")]
    private static partial void LogWatchError(ILogger logger, string kind, int code, string? message);
}
