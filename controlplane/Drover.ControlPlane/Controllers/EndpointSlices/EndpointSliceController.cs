using Drover.Api;
using Drover.ControlPlane.Controllers.Framework;
using Drover.ControlPlane.Controllers.ServiceEndpoints;
using Drover.ControlPlane.Events;
using Drover.ControlPlane.Informers;
using Drover.ControlPlane.Registry;

namespace Drover.ControlPlane.Controllers.EndpointSlices;

/// <summary>
/// Keeps each selector Service's EndpointSlices (labelled kubernetes.io/service-name, managed by this controller)
/// equal to what <see cref="EndpointSliceBuilder"/> makes of its pods, beside the Endpoints the endpoints controller
/// keeps. Level-triggered on service keys, fed by the same pod and service indexes; slices carry the Service as
/// controlling owner, so the garbage collector deletes them with it. Slices of other managers are left alone.
/// </summary>
internal sealed partial class EndpointSliceController : QueueController
{
    private const string SlicesByService = "endpointslices/by-service";

    private readonly Informer<Service> _services;
    private readonly Informer<Pod> _pods;
    private readonly Informer<EndpointSlice> _slices;
    private readonly ObjectService _objects;
    private readonly ILogger _logger;
    private readonly EventRecorder _events;

    public EndpointSliceController(SharedInformers informers, ObjectService objects, EventWriter events, TimeProvider time, ILoggerFactory loggers)
        : base("Service", time, loggers.CreateLogger<EndpointSliceController>(), firstRetryDelay: TimeSpan.FromMilliseconds(5), maxRetryDelay: TimeSpan.FromSeconds(30))
    {
        ArgumentNullException.ThrowIfNull(informers);
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(loggers);
        _objects = objects;
        _logger = loggers.CreateLogger<EndpointSliceController>();
        _events = events.ForComponent("endpointslice-controller");
        _services = informers.For(ResourceTypes.Services);
        _pods = informers.For(ResourceTypes.Pods);
        _slices = informers.For(ResourceTypes.EndpointSlices);
        EndpointsController.EnsureIndexes(_services, _pods);
        _slices.AddIndex(SlicesByService, ServiceKeyOf);
        _services.AddHandler(change => Queue.Add(Informer.KeyOf(change.Latest)));
        // Someone else changing or deleting one of our slices gets it rewritten (a no-op for our own writes).
        _slices.AddHandler(change =>
        {
            foreach (var key in ServiceKeyOf(change.Latest))
                Queue.Add(key);
        });
        _pods.AddHandler(OnPod);
    }

    /// <summary>"namespace/service" of a slice this controller manages; none for anyone else's.</summary>
    private static IEnumerable<string> ServiceKeyOf(KubeObject slice)
    {
        var labels = slice.Metadata.Labels;
        if (labels is null || !labels.TryGetValue(WellKnownLabels.ServiceName, out var service)
            || !labels.TryGetValue(EndpointSliceBuilder.ManagedByLabel, out var manager) || manager != EndpointSliceBuilder.ControllerName)
            return [];
        return [Informer.KeyOf(slice.Metadata.Namespace, service)];
    }

    private void OnPod(ObjectChange<Pod> change)
    {
        var old = change.Old as Pod;
        var updated = change.New as Pod;
        if (old is not null && updated is not null && !MattersToSlices(old, updated))
            return;
        foreach (var service in _services.ByIndex(EndpointsController.ServicesByNamespace, change.Latest.Metadata.Namespace ?? ""))
        {
            if (service.Spec.Selector is not { Count: > 0 } selector)
                continue;
            if (EndpointsController.Selects(selector, old) || EndpointsController.Selects(selector, updated))
                Queue.Add(Informer.KeyOf(service));
        }
    }

    /// <summary>Only what slices are made of: a probe timestamp or a restart count changes nothing.</summary>
    private static bool MattersToSlices(Pod old, Pod updated) =>
        old.Status?.PodIP != updated.Status?.PodIP
        || EndpointsBuilder.IsReady(old) != EndpointsBuilder.IsReady(updated)
        || (old.Metadata.DeletionTimestamp is null) != (updated.Metadata.DeletionTimestamp is null)
        || old.Status?.Phase != updated.Status?.Phase
        || old.Spec.NodeName != updated.Spec.NodeName
        || old.Spec.Hostname != updated.Spec.Hostname
        || old.Spec.Subdomain != updated.Spec.Subdomain
        || !LabelMaps.Same(old.Metadata.Labels, updated.Metadata.Labels);

    protected override IEnumerable<Task> CachesSynced => [_services.Synced, _pods.Synced, _slices.Synced];

    protected override async Task SyncAsync(string key, CancellationToken ct)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var (ns, name) = (key[..slash], key[(slash + 1)..]);
        // A deleted Service's slices are the garbage collector's (they are owned by it).
        if (_services.Get(ns, name) is not { } service || service.Metadata.DeletionTimestamp is not null)
            return;
        if (service.Spec.Selector is not { Count: > 0 } selector || service.Spec.Type == "ExternalName")
            return;

        var desired = EndpointSliceBuilder.Build(service, EndpointsController.SelectedPods(_pods, ns, selector));
        var existing = _slices.ByIndex(SlicesByService, key).ToDictionary(s => s.Metadata.Name!, StringComparer.Ordinal);
        var labels = DesiredLabels(service);
        var owner = new OwnerReference { ApiVersion = "v1", Kind = "Service", Name = name, Uid = service.Metadata.Uid ?? "", Controller = true, BlockOwnerDeletion = true };
        var written = 0;
        foreach (var slice in desired)
        {
            var wanted = new EndpointSlice
            {
                ApiVersion = "discovery.k8s.io/v1",
                Kind = "EndpointSlice",
                Metadata = new ObjectMeta { Name = slice.Name, Namespace = ns, Labels = labels, OwnerReferences = [owner] },
                AddressType = "IPv4",
                Endpoints = slice.Endpoints.Count > 0 ? slice.Endpoints : null,
                Ports = slice.Ports.Count > 0 ? slice.Ports : null,
            };
            if (existing.Remove(slice.Name, out var current))
            {
                if (Same(current, wanted))
                    continue;
                // The cached resourceVersion is the precondition: a 409 means the cache was behind; the retry reads again.
                await _objects.UpdateAsync(ResourceTypes.EndpointSlices, wanted with { Metadata = current.Metadata with { Labels = labels, OwnerReferences = [owner] } }, statusOnly: false, ct).ConfigureAwait(false);
            }
            else
            {
                await _objects.CreateAsync(ResourceTypes.EndpointSlices, wanted, ct).ConfigureAwait(false);
            }
            written++;
        }
        foreach (var stale in existing.Values)
        {
            await _objects.DeleteAsync(ResourceTypes.EndpointSlices, ns, stale.Metadata.Name!, gracePeriodSeconds: null, ct).ConfigureAwait(false);
            written++;
        }
        if (written > 0)
            LogSynced(_logger, key, desired.Count, written);
    }

    private static bool Same(EndpointSlice current, EndpointSlice wanted)
    {
        if (!LabelMaps.Same(current.Metadata.Labels, wanted.Metadata.Labels) || current.Metadata.OwnerReferences is not [{ } only] || only != wanted.Metadata.OwnerReferences![0])
            return false;
        var empty = new ObjectMeta();
        var a = ResourceTypes.EndpointSlices.SerializeToUtf8Bytes(current with { Metadata = empty });
        var b = ResourceTypes.EndpointSlices.SerializeToUtf8Bytes(wanted with { Metadata = empty });
        return a.AsSpan().SequenceEqual(b);
    }

    private static Dictionary<string, string> DesiredLabels(Service service)
    {
        var labels = service.Metadata.Labels is { Count: > 0 } own ? new Dictionary<string, string>(own, StringComparer.Ordinal) : new Dictionary<string, string>(StringComparer.Ordinal);
        if (service.Spec.ClusterIP == "None")
            labels[EndpointsController.HeadlessLabel] = "";
        labels[WellKnownLabels.ServiceName] = service.Metadata.Name!;
        labels[EndpointSliceBuilder.ManagedByLabel] = EndpointSliceBuilder.ControllerName;
        return labels;
    }

    protected override void OnSyncFailed(string key, Exception e)
    {
        if (e is ApiException { Status.Code: 409 or 403 or 404 })
            return;
        LogSyncFailed(e, key);
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (_services.Get(key[..slash], key[(slash + 1)..]) is { } service)
            _events.Warning(ResourceTypes.Services, service, "FailedToUpdateEndpointSlices", $"Error updating Endpoint Slices for Service {key}: {e.Message}");
    }

    [LoggerMessage(EventId = 520, Level = LogLevel.Debug, Message = "EndpointSlices of {Key}: {Slices} slices, {Written} written or deleted")]
    private static partial void LogSynced(ILogger logger, string key, int slices, int written);
}
