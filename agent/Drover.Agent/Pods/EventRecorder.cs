using Drover.Api;
using Drover.Api.Client;
using Microsoft.Extensions.Logging;

namespace Drover.Agent.Pods;

/// <summary>
/// Best-effort Events about pods (Pulling, Started, BackOff, Unhealthy…) through the client toolkit's
/// <see cref="EventBroadcaster"/>: queued without blocking the caller, repeats folded into one Event's count (a
/// container in CrashLoopBackOff is one BackOff event counting up, not one per restart, as the kubelet's); when the
/// queue is full or the API is down, events are dropped (and logged), never retried at the pods' expense.
/// </summary>
internal sealed class EventRecorder
{
    public const string Normal = "Normal";
    public const string Warning = "Warning";

    /// <summary>The kubelet's source component: `drover get events` and kubectl show it as the kubelet's.</summary>
    private const string Component = "drover-agent";

    private readonly PodManagerOptions _options;
    private readonly EventBroadcaster _broadcaster;

    public EventRecorder(DroverClient api, PodManagerOptions options, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options;
        _broadcaster = new EventBroadcaster(new ClientSink(api), new EventBroadcasterOptions
        {
            SourceHost = options.NodeName,
            ReportingInstance = _ => options.NodeName,
            MaxBacklog = 512,
            Writers = 1,
        }, time, logger);
    }

    public void Record(Pod pod, string type, string reason, string message, string? containerName = null)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (!_options.RecordEvents)
        {
            return;
        }

        _broadcaster.Record(Component, new ObjectReference
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Namespace = CriConfigFactory.Namespace(pod),
            Name = pod.Metadata.Name,
            Uid = pod.Metadata.Uid,
            ResourceVersion = pod.Metadata.ResourceVersion,
            FieldPath = containerName is null ? null : $"spec.containers{{{containerName}}}",
        }, type, reason, message);
    }

    /// <summary>An Event about this node itself (image garbage collection), as the kubelet's nodeRef events.</summary>
    public void RecordNode(string type, string reason, string message)
    {
        if (!_options.RecordEvents)
        {
            return;
        }

        _broadcaster.Record(Component, new ObjectReference { ApiVersion = "v1", Kind = "Node", Name = _options.NodeName, Uid = _options.NodeName }, type, reason, message);
    }

    public Task RunAsync(CancellationToken ct) => _broadcaster.RunAsync(ct);

    private sealed class ClientSink(DroverClient api) : IEventSink
    {
        public Task CreateAsync(Event ev, CancellationToken ct) => api.CreateAsync(ResourceTypes.Events, ev, ct);

        public Task UpdateAsync(Event ev, CancellationToken ct) => api.UpdateAsync(ResourceTypes.Events, ev, ct: ct);
    }
}
