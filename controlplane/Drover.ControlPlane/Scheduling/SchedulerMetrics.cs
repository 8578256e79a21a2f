using Prometheus;

namespace Drover.ControlPlane.Scheduling;

/// <summary>The scheduling loop's Prometheus series, named after kube-scheduler's where one exists.</summary>
internal sealed class SchedulerMetrics
{
    private static readonly double[] DecisionBuckets = [0.000005, 0.00001, 0.00002, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.005];
    private static readonly double[] LatencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly Counter _attempts;
    private readonly Histogram _decision;
    private readonly Histogram _e2e;
    private readonly Gauge _pending;

    public SchedulerMetrics(CollectorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var factory = Metrics.WithCustomRegistry(registry);
        _attempts = factory.CreateCounter("drover_scheduler_schedule_attempts_total", "Scheduling attempts by result (scheduled, unschedulable, error).", "result");
        _decision = factory.CreateHistogram("drover_scheduler_scheduling_algorithm_duration_seconds", "Time of one decision (filters and scorers) over the snapshot.",
            new HistogramConfiguration { Buckets = DecisionBuckets });
        _e2e = factory.CreateHistogram("drover_scheduler_pod_scheduling_duration_seconds", "From a pod entering the queue to its binding being stored.",
            new HistogramConfiguration { Buckets = LatencyBuckets });
        _pending = factory.CreateGauge("drover_scheduler_pending_pods", "Pods waiting for a node, by queue.", "queue");
    }

    public void Scheduled(TimeSpan sinceQueued)
    {
        _attempts.WithLabels("scheduled").Inc();
        _e2e.Observe(sinceQueued.TotalSeconds);
    }

    public void Unschedulable() => _attempts.WithLabels("unschedulable").Inc();

    public void Error() => _attempts.WithLabels("error").Inc();

    public void Decision(TimeSpan elapsed) => _decision.Observe(elapsed.TotalSeconds);

    public void Pending(int active, int unschedulable, int total)
    {
        _pending.WithLabels("active").Set(active);
        _pending.WithLabels("unschedulable").Set(unschedulable);
        _pending.WithLabels("all").Set(total);
    }
}
