using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Registry;

namespace Drover.ControlPlane.Events;

/// <summary>
/// The one writer of core/v1 Events for droverd's own components (scheduler, controllers): the client toolkit's
/// <see cref="EventBroadcaster"/> (client-go's aggregation: the same event about the same object from the same
/// component within <see cref="AggregationWindow"/> bumps <c>count</c> and <c>lastTimestamp</c> on one Event, written
/// at most every <see cref="RewriteInterval"/>) writing through the registry in process. Components take a
/// per-component <see cref="EventRecorder"/> from <see cref="ForComponent"/>.
/// </summary>
public sealed class EventWriter : BackgroundService
{
    public static readonly TimeSpan AggregationWindow = EventBroadcaster.AggregationWindow;
    public static readonly TimeSpan RewriteInterval = EventBroadcaster.RewriteInterval;

    private readonly EventBroadcaster _broadcaster;

    public EventWriter(ObjectService objects, TimeProvider time, ILogger<EventWriter> logger)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        var host = Environment.MachineName.ToLowerInvariant();
        _broadcaster = new EventBroadcaster(new RegistrySink(objects), new EventBroadcasterOptions { ReportingInstance = component => component + "-" + host }, time, logger);
    }

    /// <summary>A recorder whose events carry <paramref name="component"/> as source (e.g. "deployment-controller").</summary>
    public EventRecorder ForComponent(string component)
    {
        ArgumentException.ThrowIfNullOrEmpty(component);
        return new EventRecorder(this, component);
    }

    /// <summary>Events not written because the backlog was full.</summary>
    public long Dropped => _broadcaster.Dropped;

    internal void Record(string component, ObjectReference involved, string type, string reason, string message) =>
        _broadcaster.Record(component, involved, type, reason, message);

    /// <summary>Writes the backlog and, every <see cref="RewriteInterval"/>, the counts that were held back; until stopped.</summary>
    protected override Task ExecuteAsync(CancellationToken ct) => _broadcaster.RunAsync(ct);

    /// <summary>Events written as every other write is, through the registry (no HTTP).</summary>
    private sealed class RegistrySink(ObjectService objects) : IEventSink
    {
        public Task CreateAsync(Event ev, CancellationToken ct) => objects.CreateAsync(ResourceTypes.Events, ev, ct);

        public Task UpdateAsync(Event ev, CancellationToken ct) => objects.UpdateAsync(ResourceTypes.Events, ev, statusOnly: false, ct);
    }
}
