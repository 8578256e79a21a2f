using Drover.Api;
using Drover.ControlPlane.Api;
using Drover.ControlPlane.Controllers.Framework;
using Drover.ControlPlane.Scheduling;
using Drover.ControlPlane.Registry;
using Drover.ControlPlane.Informers;
using Drover.ControlPlane.Events;

namespace Drover.ControlPlane.Controllers.ServiceEndpoints;

/// <summary>
/// Keeps each selector Service's Endpoints (same name) equal to what <see cref="EndpointsBuilder"/> makes of
/// the pods it selects. Level-triggered on service keys: a pod change queues only the services in its namespace
/// whose selector matches it (before or after), and a sync reads candidate pods through a label index instead
/// of scanning every pod. Services without a selector are left alone (their Endpoints are the user's). The
/// Endpoints carry the Service as controlling owner, so the garbage collector deletes them with it.
/// </summary>
internal sealed partial class EndpointsController : QueueController
{
    /// <summary>Kubernetes puts this label on the Endpoints of headless services.</summary>
    public const string HeadlessLabel = "service.kubernetes.io/headless";

    /// <summary>Pods by "namespace/key=value" of each label; shared with the EndpointSlice controller.</summary>
    internal const string PodsByLabel = "endpoints/pods-by-namespace-label";
    internal const string ServicesByNamespace = "endpoints/services-by-namespace";

    private readonly Informer<Service> _services;
    private readonly Informer<Pod> _pods;
    private readonly Informer<Endpoints> _endpoints;
    private readonly ObjectService _objects;
    private readonly ILogger _logger;
    private readonly EventRecorder _events;

    public EndpointsController(SharedInformers informers, ObjectService objects, EventWriter events, TimeProvider time, ILoggerFactory loggers)
        : base("Service", time, loggers.CreateLogger<EndpointsController>(), firstRetryDelay: TimeSpan.FromMilliseconds(5), maxRetryDelay: TimeSpan.FromSeconds(30))
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(informers);
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(loggers);
        _objects = objects;
        _logger = loggers.CreateLogger<EndpointsController>();
        _events = events.ForComponent("endpoint-controller");
        _services = informers.For(ResourceTypes.Services);
        _pods = informers.For(ResourceTypes.Pods);
        _endpoints = informers.For(ResourceTypes.Endpoints);
        EnsureIndexes(_services, _pods);
        _services.AddHandler(change => Queue.Add(Informer.KeyOf(change.Latest)));
        // Someone else changing or deleting an Endpoints object gets it rewritten (a no-op for our own writes).
        _endpoints.AddHandler(change => Queue.Add(Informer.KeyOf(change.Latest)));
        _pods.AddHandler(OnPod);
    }

    /// <summary>The indexes this controller and the EndpointSlice controller read pods and services through.</summary>
    internal static void EnsureIndexes(Informer<Service> services, Informer<Pod> pods)
    {
        services.EnsureIndex(ServicesByNamespace, service => [service.Metadata.Namespace ?? ""]);
        pods.EnsureIndex(PodsByLabel, LabelKeys);
    }

    private static IEnumerable<string> LabelKeys(KubeObject pod)
    {
        var labels = pod.Metadata.Labels;
        if (labels is not { Count: > 0 })
            return [];
        var ns = pod.Metadata.Namespace;
        var keys = new string[labels.Count];
        var i = 0;
        foreach (var (key, value) in labels)
            keys[i++] = LabelKey(ns, key, value);
        return keys;
    }

    // A namespace has no '/' and a label key no '=', so "ns/key=value" is unambiguous.
    private static string LabelKey(string? ns, string key, string value) => $"{ns}/{key}={value}";

    private void OnPod(ObjectChange<Pod> change)
    {
        var old = change.Old as Pod;
        var updated = change.New as Pod;
        if (old is not null && updated is not null && !MattersToEndpoints(old, updated))
            return;
        var latest = change.Latest;
        foreach (var service in _services.ByIndex(ServicesByNamespace, latest.Metadata.Namespace ?? ""))
        {
            var selector = service.Spec.Selector;
            if (selector is not { Count: > 0 })
                continue;
            if (Selects(selector, old) || Selects(selector, updated))
                Queue.Add(Informer.KeyOf(service));
        }
    }

    /// <summary>Only what the Endpoints are made of: a probe timestamp or a restart count changes nothing.</summary>
    private static bool MattersToEndpoints(Pod old, Pod updated) =>
        old.Status?.PodIP != updated.Status?.PodIP
        || EndpointsBuilder.IsReady(old) != EndpointsBuilder.IsReady(updated)
        || (old.Metadata.DeletionTimestamp is null) != (updated.Metadata.DeletionTimestamp is null)
        || old.Status?.Phase != updated.Status?.Phase
        || old.Spec.NodeName != updated.Spec.NodeName
        || old.Spec.Hostname != updated.Spec.Hostname
        || old.Spec.Subdomain != updated.Spec.Subdomain
        || !LabelMaps.Same(old.Metadata.Labels, updated.Metadata.Labels);

    internal static bool Selects(Dictionary<string, string> selector, Pod? pod)
    {
        if (pod is null)
            return false;
        var labels = pod.Metadata.Labels;
        if (labels is null)
            return false;
        foreach (var (key, value) in selector)
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value)
                return false;
        }
        return true;
    }

    protected override IEnumerable<Task> CachesSynced => [_services.Synced, _pods.Synced, _endpoints.Synced];

    protected override async Task SyncAsync(string key, CancellationToken ct)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var (ns, name) = (key[..slash], key[(slash + 1)..]);
        // A deleted Service's Endpoints are the garbage collector's (they are owned by it).
        if (_services.Get(ns, name) is not { } service || service.Metadata.DeletionTimestamp is not null)
            return;
        var selector = service.Spec.Selector;
        if (selector is not { Count: > 0 } || service.Spec.Type == "ExternalName")
            return;

        var subsets = EndpointsBuilder.Build(service, SelectedPods(ns, selector));
        var labels = DesiredLabels(service);
        var owner = new OwnerReference { ApiVersion = "v1", Kind = "Service", Name = name, Uid = service.Metadata.Uid ?? "", Controller = true, BlockOwnerDeletion = true };
        var existing = _endpoints.Get(ns, name);
        if (existing is not null && EndpointsBuilder.SameSubsets(existing.Subsets, subsets) && LabelMaps.Same(existing.Metadata.Labels, labels)
            && existing.Metadata.OwnerReferences is [{ } only] && only == owner)
            return;

        var stored = subsets.Count > 0 ? subsets : null;
        if (existing is null)
        {
            await _objects.CreateAsync(ResourceTypes.Endpoints, new Endpoints
            {
                ApiVersion = "v1",
                Kind = "Endpoints",
                Metadata = new ObjectMeta { Name = name, Namespace = ns, Labels = labels, OwnerReferences = [owner] },
                Subsets = stored,
            }, ct).ConfigureAwait(false);
        }
        else
        {
            // The cached resourceVersion is the precondition: a 409 means the cache was behind, and the retry reads it again.
            await _objects.UpdateAsync(ResourceTypes.Endpoints, existing with
            {
                Metadata = existing.Metadata with { Labels = labels, OwnerReferences = [owner] },
                Subsets = stored,
            }, statusOnly: false, ct).ConfigureAwait(false);
        }
        LogSynced(_logger, key, subsets.Sum(s => s.Addresses?.Count ?? 0), subsets.Sum(s => s.NotReadyAddresses?.Count ?? 0));
    }

    private List<Pod> SelectedPods(string ns, Dictionary<string, string> selector) => SelectedPods(_pods, ns, selector);

    /// <summary>The pods of <paramref name="ns"/> that <paramref name="selector"/> (not empty) selects, found through the label index.</summary>
    internal static List<Pod> SelectedPods(Informer<Pod> podInformer, string ns, Dictionary<string, string> selector)
    {
        using var pairs = selector.GetEnumerator();
        pairs.MoveNext();
        var (firstKey, firstValue) = pairs.Current;
        return podInformer.ByIndex(PodsByLabel, LabelKey(ns, firstKey, firstValue)).FindAll(pod => Selects(selector, pod));
    }

    private static Dictionary<string, string>? DesiredLabels(Service service)
    {
        var labels = service.Metadata.Labels is { Count: > 0 } own ? new Dictionary<string, string>(own, StringComparer.Ordinal) : null;
        if (service.Spec.ClusterIP == "None")
            (labels ??= new Dictionary<string, string>(StringComparer.Ordinal))[HeadlessLabel] = "";
        return labels;
    }

    protected override void OnSyncFailed(string key, Exception e)
    {
        // A conflict only means the cache was a step behind, and a 403/404 that the namespace is going away
        // (its Service goes with it): the rate-limited retry settles both quietly.
        if (e is ApiException { Status.Code: 409 or 403 or 404 })
            return;
        LogSyncFailed(e, key);
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (_services.Get(key[..slash], key[(slash + 1)..]) is { } service)
        {
            _events.Warning(ResourceTypes.Services, service, "FailedToUpdateEndpoint", $"Failed to update endpoint {key}: {e.Message}");
        }
    }

    [LoggerMessage(EventId = 500, Level = LogLevel.Debug, Message = "Endpoints {Key}: {Ready} ready, {NotReady} not ready")]
    private static partial void LogSynced(ILogger logger, string key, int ready, int notReady);
}
