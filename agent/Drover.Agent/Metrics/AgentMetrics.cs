using Prometheus;

namespace Drover.Agent.Metrics;

/// <summary>
/// The node side's metrics. Everything lives in prometheus-net's default registry, which
/// <see cref="MetricsServer"/> serves: the pod side adds its own with <c>Prometheus.Metrics.CreateCounter</c> etc.
/// </summary>
internal static class AgentMetrics
{
    public static readonly Counter Heartbeats = Prometheus.Metrics.CreateCounter(
        "drover_agent_heartbeats_total", "Node Lease renewals that droverd accepted.");

    public static readonly Counter HeartbeatFailures = Prometheus.Metrics.CreateCounter(
        "drover_agent_heartbeat_failures_total", "Node Lease renewals that failed (droverd unreachable or refusing).");

    public static readonly Gauge LastHeartbeat = Prometheus.Metrics.CreateGauge(
        "drover_agent_last_heartbeat_timestamp_seconds", "Unix time of the last accepted Lease renewal.");

    public static readonly Counter StatusUpdates = Prometheus.Metrics.CreateCounter(
        "drover_agent_node_status_updates_total", "Node status writes, by result (ok, error) and cause (changed, periodic).",
        new CounterConfiguration { LabelNames = ["result", "cause"] });

    public static readonly Counter LogRequests = Prometheus.Metrics.CreateCounter(
        "drover_agent_log_requests_total", "Container-log requests, by answer: the HTTP status, refused (TLS: not droverd) or busy (too many at once).",
        new CounterConfiguration { LabelNames = ["result"] });

    public static readonly Gauge NodeReady = Prometheus.Metrics.CreateGauge(
        "drover_agent_node_ready", "1 when the node reports Ready=True.");

    /// <summary>
    /// Keeps the registry lean for a small device: no EventCounter/Meter bridges (they allocate listeners
    /// and buffers); the process metrics (RSS, CPU, open fds) stay.
    /// </summary>
    public static void Configure() =>
        Prometheus.Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions
        {
            SuppressProcessMetrics = false,
            SuppressDebugMetrics = true,
            SuppressEventCounters = true,
            SuppressMeters = true,
        });
}
