using Microsoft.Extensions.Logging;

namespace Drover.Api.Client;

/// <summary>
/// client-go's informer for clients: a <see cref="Reflector{T}"/> feeding a local copy keyed "namespace/name", and a
/// callback on every change. A relist replaces the copy, so objects deleted while disconnected disappear.
/// </summary>
public sealed partial class Informer<T> : IReflectorHandler<T>
    where T : KubeObject
{
    private readonly Reflector<T> _reflector;
    private readonly Action _changed;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private Dictionary<string, T> _objects = new(StringComparer.Ordinal);

    /// <param name="changed">Called after every change of the copy (from the reflector's loop; keep it short).</param>
    public Informer(DroverClient client, ResourceType<T> type, Action changed, ILogger logger, ReflectorOptions<T>? options = null)
    {
        ArgumentNullException.ThrowIfNull(changed);
        ArgumentNullException.ThrowIfNull(logger);
        _changed = changed;
        _logger = logger;
        _reflector = new Reflector<T>(client, type, this, options);
    }

    public ResourceType<T> Type => _reflector.Type;

    /// <summary>Completes after the first successful list.</summary>
    public Task Synced => _synced.Task;

    /// <summary>A copy of what is known now, keyed by <see cref="ObjectKeys.Of(KubeObject)"/>.</summary>
    public Dictionary<string, T> Snapshot()
    {
        lock (_lock)
            return new Dictionary<string, T>(_objects, StringComparer.Ordinal);
    }

    public Task RunAsync(CancellationToken ct) => _reflector.RunAsync(ct);

    Task IReflectorHandler<T>.ListedAsync(ListPage<T> page, CancellationToken ct)
    {
        var fresh = new Dictionary<string, T>(page.Items.Count, StringComparer.Ordinal);
        foreach (var item in page.Items)
            fresh[ObjectKeys.Of(item)] = item;
        lock (_lock)
            _objects = fresh;
        _synced.TrySetResult();
        _changed();
        LogListed(_logger, Type.Plural, fresh.Count, page.ResourceVersion);
        return Task.CompletedTask;
    }

    void IReflectorHandler<T>.Changed(string type, T obj)
    {
        lock (_lock)
        {
            if (type == WatchEventTypes.Deleted)
                _objects.Remove(ObjectKeys.Of(obj));
            else
                _objects[ObjectKeys.Of(obj)] = obj;
        }
        _changed();
    }

    void IReflectorHandler<T>.WatchError(Status? error) => LogWatchError(_logger, Type.Plural, error?.Code ?? 0, error?.Message);

    void IReflectorHandler<T>.Failed(Exception error, TimeSpan retryIn) => LogWatchFailed(_logger, Type.Plural, error.Message, retryIn.TotalMilliseconds);

    [LoggerMessage(EventId = 200, Level = LogLevel.Debug, Message = "listed {Kind}: {Count} at revision {ResourceVersion}")]
    private static partial void LogListed(ILogger logger, string kind, int count, string? resourceVersion);

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "watching {Kind} failed: {Reason}; listing again in {BackoffMs} ms")]
    private static partial void LogWatchFailed(ILogger logger, string kind, string reason, double backoffMs);

    [LoggerMessage(EventId = 202, Level = LogLevel.Information, Message = "watch of {Kind} ended with an error ({Code}: {Message}); listing again")]
    private static partial void LogWatchError(ILogger logger, string kind, int code, string? message);
}
