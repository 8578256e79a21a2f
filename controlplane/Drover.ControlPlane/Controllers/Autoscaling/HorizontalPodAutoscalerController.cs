using Drover.Api;
using Drover.ControlPlane.Api;
using Drover.ControlPlane.Controllers.Framework;
using Drover.ControlPlane.ResourceMetrics;
using Drover.ControlPlane.Registry;
using Drover.ControlPlane.Informers;
using Drover.ControlPlane.Events;

namespace Drover.ControlPlane.Controllers.Autoscaling;

/// <summary>
/// Reconciles every HorizontalPodAutoscaler each sync period (and at once when one changes), as kube-controller-manager
/// does: reads the target's scale and pods, the pods' usage from the in-memory resource metrics, lets the pure
/// <see cref="HpaPlanner"/> decide, writes the new replica count through the target's spec (what PUT …/scale does),
/// records an Event per rescale, and publishes the status and conditions `describe hpa` shows.
/// </summary>
public sealed partial class HorizontalPodAutoscalerController : QueueController
{
    public const string Component = "horizontal-pod-autoscaler";

    private readonly ObjectService _objects;
    private readonly Informer<HorizontalPodAutoscaler> _hpas;
    private readonly Informer<Pod> _pods;
    private readonly ResourceUsageStore _usage;
    private readonly EventRecorder _events;
    private readonly TimeProvider _time;
    private readonly HpaOptions _options;
    private readonly HpaPlanner _planner;
    private readonly Dictionary<string, ScalingHistory> _histories = new(StringComparer.Ordinal);
    private readonly ILogger<HorizontalPodAutoscalerController> _logger;

    public HorizontalPodAutoscalerController(ObjectService objects, SharedInformers informers, ResourceUsageStore usage,
        EventWriter events, TimeProvider time, HpaOptions options, ILogger<HorizontalPodAutoscalerController> logger)
        // One worker: the scaling histories are per HPA and syncs are cheap; Kubernetes runs 5 for thousands of HPAs.
        : base("HorizontalPodAutoscaler", time, logger, workers: 1)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(informers);
        ArgumentNullException.ThrowIfNull(usage);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _objects = objects;
        _usage = usage;
        _time = time;
        _options = options;
        _logger = logger;
        _planner = new HpaPlanner(options);
        _events = events.ForComponent(Component);
        _hpas = informers.For(ResourceTypes.HorizontalPodAutoscalers);
        _pods = informers.For(ResourceTypes.Pods);
        _hpas.AddHandler(OnHpaChanged);
    }

    /// <summary>
    /// New, deleted or respecified HPAs are looked at at once; a status write (our own, mostly) is not a reason to
    /// decide again before the sync period, which would also crowd the stabilisation window with recommendations.
    /// </summary>
    private void OnHpaChanged(ObjectChange<HorizontalPodAutoscaler> change)
    {
        if (change.Old is null || change.New is null || change.Old.Metadata.Generation != change.New.Metadata.Generation)
            Queue.Add(Informer.KeyOf(change.Latest));
    }

    protected override IEnumerable<Task> CachesSynced => [_hpas.Synced, _pods.Synced];

    protected override async Task SyncAsync(string key, CancellationToken ct)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var (ns, name) = (key[..slash], key[(slash + 1)..]);
        if (_hpas.Get(ns, name) is not { } hpa || hpa.Metadata.DeletionTimestamp is not null)
        {
            _histories.Remove(key);
            return;
        }
        try
        {
            await ReconcileAsync(key, hpa, ct).ConfigureAwait(false);
        }
        finally
        {
            // Level-triggered on time as much as on changes: usage moves without any object changing.
            Queue.AddAfter(key, _options.SyncPeriod);
        }
    }

    private async Task ReconcileAsync(string key, HorizontalPodAutoscaler hpa, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var reference = hpa.Spec.ScaleTargetRef;
        var targetType = reference.Kind switch
        {
            "Deployment" => (ResourceType)ResourceTypes.Deployments,
            "ReplicaSet" => ResourceTypes.ReplicaSets,
            _ => null,
        };
        var target = targetType is null ? null : await _objects.GetAsync(targetType, hpa.Metadata.Namespace, reference.Name, ct).ConfigureAwait(false);
        if (targetType is null || target is null)
        {
            var why = targetType is null
                ? $"the HPA controller was unable to get the target's current scale: scaling {reference.Kind} is not supported (only Deployment and ReplicaSet)"
                : $"the HPA controller was unable to get the target's current scale: {targetType.Plural}.{targetType.Group} \"{reference.Name}\" not found";
            var failed = new HpaConditions(hpa.Status?.Conditions, now);
            failed.Set(HpaConditions.AbleToScale, false, "FailedGetScale", why);
            _events.Warning(ResourceTypes.HorizontalPodAutoscalers, hpa, "FailedGetScale", why);
            await WriteStatusAsync(hpa, Status(hpa, hpa.Status?.CurrentReplicas ?? 0, hpa.Status?.DesiredReplicas ?? 0, hpa.Status?.CurrentMetrics, failed, null), ct).ConfigureAwait(false);
            return;
        }

        var (specReplicas, selector) = ScaleOf(target);
        var pods = new List<Pod>();
        foreach (var pod in _pods.List(hpa.Metadata.Namespace))
        {
            if (selector.Matches(pod.Metadata.Labels))
                pods.Add(pod);
        }
        if (!_histories.TryGetValue(key, out var history))
            _histories[key] = history = new ScalingHistory();
        var ns = hpa.Metadata.Namespace!;
        var plan = _planner.Plan(hpa, specReplicas, pods, resource => _usage.PodUsage(ns, resource), history, now);
        if (plan.Warning is { } warning)
            _events.Warning(ResourceTypes.HorizontalPodAutoscalers, hpa, warning.Reason, warning.Message);

        var lastScale = hpa.Status?.LastScaleTime;
        var desired = plan.DesiredReplicas;
        if (plan.Rescale)
        {
            try
            {
                await RescaleAsync(targetType, target, desired, ct).ConfigureAwait(false);
                plan.Conditions.Set(HpaConditions.AbleToScale, true, "SucceededRescale", $"the HPA controller was able to update the target scale to {desired}");
                _events.Normal(ResourceTypes.HorizontalPodAutoscalers, hpa, "SuccessfulRescale", $"New size: {desired}; reason: {plan.RescaleReason}");
                ReplicaNormalizer.RecordScale(hpa.Spec, history, specReplicas, desired, now);
                lastScale = now;
                LogRescaled(_logger, key, specReplicas, desired, plan.RescaleReason ?? "");
            }
            catch (ApiException e)
            {
                var why = $"the HPA controller was unable to update the target scale: {e.Status.Message}";
                plan.Conditions.Set(HpaConditions.AbleToScale, false, "FailedUpdateScale", why);
                _events.Warning(ResourceTypes.HorizontalPodAutoscalers, hpa, "FailedRescale", $"New size: {desired}; reason: {plan.RescaleReason}; error: {e.Status.Message}");
                desired = specReplicas;
            }
        }
        await WriteStatusAsync(hpa, Status(hpa, plan.CurrentReplicas, desired, plan.CurrentMetrics, plan.Conditions, lastScale), ct).ConfigureAwait(false);
    }

    private static (int SpecReplicas, Selector Selector) ScaleOf(KubeObject target) => target switch
    {
        Deployment d => (d.Spec.Replicas ?? 1, Selector.FromLabelSelector(d.Spec.Selector)),
        ReplicaSet rs => (rs.Spec.Replicas ?? 1, Selector.FromLabelSelector(rs.Spec.Selector)),
        _ => throw new InvalidOperationException($"no scale for {target.Kind}"),
    };

    /// <summary>Only spec.replicas changes, conditional on the version just read (a conflict retries the whole sync).</summary>
    private Task RescaleAsync(ResourceType type, KubeObject target, int replicas, CancellationToken ct)
    {
        KubeObject rescaled = target switch
        {
            Deployment d => d with { Spec = d.Spec with { Replicas = replicas } },
            ReplicaSet rs => rs with { Spec = rs.Spec with { Replicas = replicas } },
            _ => throw new InvalidOperationException($"no scale for {target.Kind}"),
        };
        return _objects.UpdateAsync(type, rescaled, target, statusOnly: false, ct);
    }

    private static HorizontalPodAutoscalerStatus Status(HorizontalPodAutoscaler hpa, int current, int desired,
        List<MetricStatus>? metrics, HpaConditions conditions, DateTimeOffset? lastScale) => new()
        {
            ObservedGeneration = hpa.Metadata.Generation,
            LastScaleTime = lastScale ?? hpa.Status?.LastScaleTime,
            CurrentReplicas = current,
            DesiredReplicas = desired,
            CurrentMetrics = metrics is { Count: > 0 } ? metrics : null,
            Conditions = [.. conditions.All],
        };

    private async Task WriteStatusAsync(HorizontalPodAutoscaler hpa, HorizontalPodAutoscalerStatus status, CancellationToken ct)
    {
        if (hpa.Status is { } old && StatusEquals(old, status))
            return;
        await _objects.UpdateAsync(ResourceTypes.HorizontalPodAutoscalers, hpa with { Status = status }, statusOnly: true, ct).ConfigureAwait(false);
    }

    private static bool StatusEquals(HorizontalPodAutoscalerStatus a, HorizontalPodAutoscalerStatus b) =>
        System.Text.Json.JsonSerializer.Serialize(a, ApiJsonContext.Default.HorizontalPodAutoscalerStatus)
        == System.Text.Json.JsonSerializer.Serialize(b, ApiJsonContext.Default.HorizontalPodAutoscalerStatus);

    [LoggerMessage(EventId = 601, Level = LogLevel.Information, Message = "HorizontalPodAutoscaler {Key} scaled its target from {From} to {To}: {Reason}")]
    private static partial void LogRescaled(ILogger logger, string key, int from, int to, string reason);
}
