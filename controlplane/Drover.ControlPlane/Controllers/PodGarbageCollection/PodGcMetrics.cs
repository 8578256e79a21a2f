using Prometheus;

namespace Drover.ControlPlane.Controllers.PodGarbageCollection;

/// <summary>The pod garbage collector's series, as kube-controller-manager's pod_gc_collector_force_delete_pods_total and its errors.</summary>
internal sealed class PodGcMetrics
{
    public const string Orphaned = "orphaned";
    public const string Terminated = "terminated";
    public const string OutOfService = "out-of-service";

    private readonly Counter _deleted;
    private readonly Counter _errors;

    public PodGcMetrics(CollectorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var factory = Metrics.WithCustomRegistry(registry);
        _deleted = factory.CreateCounter("drover_pod_gc_collector_force_delete_pods_total",
            "Pods the pod garbage collector force-deleted, by namespace and reason (orphaned, terminated, out-of-service).", "namespace", "reason");
        _errors = factory.CreateCounter("drover_pod_gc_collector_force_delete_pod_errors_total",
            "Force deletions by the pod garbage collector that failed, by namespace and reason.", "namespace", "reason");
    }

    public void Deleted(string ns, string reason) => _deleted.WithLabels(ns, reason).Inc();

    public void Failed(string ns, string reason) => _errors.WithLabels(ns, reason).Inc();
}
