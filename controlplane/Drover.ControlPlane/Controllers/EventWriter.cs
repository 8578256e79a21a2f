using System.Globalization;
using System.Threading.Channels;
using Drover.Api;
using Drover.ControlPlane.Api;
using Drover.ControlPlane.Storage;

namespace Drover.ControlPlane.Controllers;

/// <summary>
/// Writes core/v1 Events for droverd's own components (controllers, scheduler), as client-go's event
/// recorder does: off the caller's path (a controller never waits for, or fails on, an event), and with
/// repeats of the same event folded into one object whose count and lastTimestamp grow.
/// Take a per-component <see cref="EventRecorder"/> with <see cref="ForComponent"/>.
/// </summary>
public sealed partial class EventWriter : BackgroundService
{
    /// <summary>Events waiting to be written; past this a burst drops events rather than memory.</summary>
    private const int MaxPending = 10_000;

    /// <summary>Recent events remembered for folding repeats (Kubernetes' correlator keeps 4096 too).</summary>
    private const int MaxRemembered = 4096;

    private const int MaxMessageLength = 1024;

    private readonly ObjectService _objects;
    private readonly TimeProvider _time;
    private readonly ILogger<EventWriter> _logger;
    private readonly Channel<PendingEvent> _pending = Channel.CreateBounded<PendingEvent>(
        new BoundedChannelOptions(MaxPending) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Dictionary<EventKey, LinkedListNode<Remembered>> _remembered = [];
    private readonly LinkedList<Remembered> _recency = new();
    private long _lastNameStamp;

    public EventWriter(ObjectService objects, TimeProvider time, ILogger<EventWriter> logger)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _objects = objects;
        _time = time;
        _logger = logger;
    }

    /// <summary>A recorder whose events carry <paramref name="component"/> as source (e.g. "deployment-controller").</summary>
    public EventRecorder ForComponent(string component)
    {
        ArgumentException.ThrowIfNullOrEmpty(component);
        return new EventRecorder(this, component);
    }

    internal void Enqueue(ResourceType type, KubeObject involved, string eventType, string component, string reason, string message)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(involved);
        var meta = involved.Metadata;
        var reference = new ObjectReference
        {
            ApiVersion = type.ApiVersion,
            Kind = type.Kind,
            // Events of cluster-scoped objects (nodes) live in "default", as Kubernetes puts them.
            Namespace = type.Namespaced ? meta.Namespace : null,
            Name = meta.Name,
            Uid = meta.Uid,
            ResourceVersion = meta.ResourceVersion,
        };
        if (message.Length > MaxMessageLength)
            message = message[..MaxMessageLength];
        if (!_pending.Writer.TryWrite(new PendingEvent(reference, eventType, component, reason, message, _time.GetUtcNow())))
            LogDropped(_logger, reason, meta.Name ?? "");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var pending in _pending.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await WriteAsync(pending, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    // An event is best effort (the namespace may be going away): log it and write the next.
                    LogWriteFailed(_logger, pending.Reason, pending.Involved.Name ?? "", e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task WriteAsync(PendingEvent pending, CancellationToken ct)
    {
        var ns = pending.Involved.Namespace ?? "default";
        var key = new EventKey(ns, pending.Involved.Kind, pending.Involved.Name, pending.Involved.Uid, pending.Component, pending.Type, pending.Reason, pending.Message);
        var at = TruncateToSeconds(pending.At);
        if (_remembered.TryGetValue(key, out var node))
        {
            Touch(node);
            if (await _objects.GetAsync(ResourceTypes.Events, ns, node.Value.Name, ct).ConfigureAwait(false) is Event existing)
            {
                var repeated = existing with { Count = (existing.Count ?? 1) + 1, LastTimestamp = at };
                try
                {
                    await _objects.UpdateAsync(ResourceTypes.Events, repeated, statusOnly: false, ct).ConfigureAwait(false);
                    return;
                }
                catch (ApiException e) when (e.Status.Code is 404 or 409)
                {
                    // Deleted or changed meanwhile: start a new event below.
                }
            }
        }

        var ev = new Event
        {
            ApiVersion = "v1",
            Kind = "Event",
            Metadata = new ObjectMeta { Name = EventName(pending.Involved.Name ?? "unknown", pending.At), Namespace = ns },
            InvolvedObject = pending.Involved,
            Reason = pending.Reason,
            Message = pending.Message,
            Source = new EventSource { Component = pending.Component },
            FirstTimestamp = at,
            LastTimestamp = at,
            Count = 1,
            Type = pending.Type,
            ReportingComponent = pending.Component,
            ReportingInstance = Environment.MachineName,
        };
        var created = await _objects.CreateAsync(ResourceTypes.Events, ev, ct).ConfigureAwait(false);
        Remember(key, created.Metadata.Name!);
    }

    /// <summary>Kubernetes names events "object.hex-nanoseconds"; strictly increasing here so two in one tick never collide.</summary>
    private string EventName(string involvedName, DateTimeOffset at)
    {
        var stamp = Math.Max((at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100, _lastNameStamp + 1);
        _lastNameStamp = stamp;
        var suffix = "." + stamp.ToString("x", CultureInfo.InvariantCulture);
        var room = 253 - suffix.Length;
        return (involvedName.Length > room ? involvedName[..room] : involvedName) + suffix;
    }

    private void Remember(EventKey key, string name)
    {
        if (_remembered.TryGetValue(key, out var existing))
        {
            _recency.Remove(existing);
            _remembered.Remove(key);
        }
        var node = _recency.AddFirst(new Remembered(key, name));
        _remembered[key] = node;
        while (_remembered.Count > MaxRemembered && _recency.Last is { } oldest)
        {
            _recency.RemoveLast();
            _remembered.Remove(oldest.Value.Key);
        }
    }

    private void Touch(LinkedListNode<Remembered> node)
    {
        _recency.Remove(node);
        _recency.AddFirst(node);
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset at) =>
        new(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

    private sealed record PendingEvent(ObjectReference Involved, string Type, string Component, string Reason, string Message, DateTimeOffset At);

    private readonly record struct EventKey(string Namespace, string? Kind, string? Name, string? Uid, string Component, string Type, string Reason, string Message);

    private sealed record Remembered(EventKey Key, string Name);

    [LoggerMessage(EventId = 60, Level = LogLevel.Warning, Message = "Event {Reason} for {Name} dropped: too many events waiting")]
    private static partial void LogDropped(ILogger logger, string reason, string name);

    [LoggerMessage(EventId = 61, Level = LogLevel.Warning, Message = "Event {Reason} for {Name} not written: {Error}")]
    private static partial void LogWriteFailed(ILogger logger, string reason, string name, string error);
}
