using System.Threading.Channels;
using Drover.Agent.Pods.Reporting;
using Drover.Api;
using Drover.Api.Client;
using Microsoft.Extensions.Logging;

namespace Drover.Agent.Pods;

/// <summary>
/// Best-effort Events about pods (Pulling, Started, BackOff, Unhealthy…): queued without blocking the
/// caller, written one at a time by <see cref="RunAsync"/>; when the queue is full or the API is down,
/// events are dropped (and logged), never retried at the pods' expense.
/// </summary>
internal sealed partial class EventRecorder
{
    public const string Normal = "Normal";
    public const string Warning = "Warning";

    private readonly DroverClient _api;
    private readonly PodManagerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<Event> _queue = Channel.CreateBounded<Event>(new BoundedChannelOptions(512)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    public EventRecorder(DroverClient api, PodManagerOptions options, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _api = api;
        _options = options;
        _time = time;
        _logger = logger;
    }

    public void Record(Pod pod, string type, string reason, string message, string? containerName = null)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (!_options.RecordEvents)
        {
            return;
        }

        var now = PodStatusBuilder.Seconds(_time.GetUtcNow());
        var ev = new Event
        {
            ApiVersion = "v1",
            Kind = "Event",
            Metadata = new ObjectMeta
            {
                // The kubelet's naming: the object's name and a unique suffix.
                Name = $"{pod.Metadata.Name}.{Guid.NewGuid():N}"[..Math.Min(253, (pod.Metadata.Name?.Length ?? 0) + 17)],
                Namespace = CriConfigFactory.Namespace(pod),
            },
            InvolvedObject = new ObjectReference
            {
                ApiVersion = "v1",
                Kind = "Pod",
                Namespace = CriConfigFactory.Namespace(pod),
                Name = pod.Metadata.Name,
                Uid = pod.Metadata.Uid,
                ResourceVersion = pod.Metadata.ResourceVersion,
                FieldPath = containerName is null ? null : $"spec.containers{{{containerName}}}",
            },
            Reason = reason,
            Message = message,
            Type = type,
            Source = new EventSource { Component = "drover-agent", Host = _options.NodeName },
            FirstTimestamp = now,
            LastTimestamp = now,
            Count = 1,
            ReportingComponent = "drover-agent",
            ReportingInstance = _options.NodeName,
        };
        if (!_queue.Writer.TryWrite(ev))
        {
            LogEventDropped(reason, pod.Metadata.Name);
        }
    }

    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var ev in _queue.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                try
                {
                    await _api.CreateAsync(ResourceTypes.Events, ev, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogEventFailed(ev.Reason, ev.InvolvedObject.Name, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Event {Reason} for pod {Pod} dropped: the queue is full")]
    private partial void LogEventDropped(string reason, string? pod);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Event {Reason} for pod {Pod} not recorded: {Error}")]
    private partial void LogEventFailed(string? reason, string? pod, string error);
}
