using System.Collections.Concurrent;
using Prometheus;

namespace Drover.Ingress.Metrics;

/// <summary>
/// The ingress's metric families. Per request only pre-resolved children are touched (an interlocked add
/// or two): prometheus-net's HTTP middleware and its Meter/EventCounter bridges are left out, because on
/// this hardware they cost about as much as the proxying itself.
/// </summary>
public sealed class IngressMetrics
{
    private readonly ConcurrentDictionary<(string Ingress, string Service), RouteMetrics> _routes = new();
    private readonly Counter _requests;
    private readonly Histogram _upstream;

    public IngressMetrics(CollectorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        Registry = registry;
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        _requests = factory.CreateCounter("drover_ingress_requests_total", "Requests answered, by ingress (namespace/name), backend service and status code; ingress \"\" is a request no rule matched.", "ingress", "service", "code");
        _upstream = factory.CreateHistogram("drover_ingress_upstream_duration_seconds", "Time from sending a request upstream to the end of its response, by ingress and service.", new HistogramConfiguration
        {
            LabelNames = ["ingress", "service"],
            Buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        });
        Reloads = factory.CreateCounter("drover_ingress_config_reloads_total", "Configuration snapshots swapped in.");
        LastReload = factory.CreateGauge("drover_ingress_config_last_reload_timestamp_seconds", "When the current snapshot was swapped in (unix seconds).");
        ReadyEndpoints = factory.CreateGauge("drover_ingress_backend_ready_endpoints", "Ready addresses per backend in the current snapshot.", "backend");
        UpstreamFailures = factory.CreateCounter("drover_ingress_upstream_failures_total", "Requests that failed upstream (connect error, timeout, reset), by kind.", "kind");
        Unrouted = For("", "");
    }

    public CollectorRegistry Registry { get; }
    public Counter Reloads { get; }
    public Gauge LastReload { get; }
    public Gauge ReadyEndpoints { get; }
    public Counter UpstreamFailures { get; }

    /// <summary>For requests that matched nothing (404).</summary>
    public RouteMetrics Unrouted { get; }

    /// <summary>The children for one ingress and service, the same object across snapshots.</summary>
    public RouteMetrics For(string ingress, string service) =>
        _routes.GetOrAdd((ingress, service), static (key, self) => new RouteMetrics(self._requests, self._upstream.WithLabels(key.Ingress, key.Service), key.Ingress, key.Service), this);

    /// <summary>
    /// Keeps the registry lean: no EventCounter/Meter bridges (a Meter listener would make Kestrel and
    /// HttpClient record per-request instruments); process metrics (RSS, CPU, fds) stay.
    /// </summary>
    public static void ConfigureDefaults() =>
        Prometheus.Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions
        {
            SuppressProcessMetrics = false,
            SuppressDebugMetrics = true,
            SuppressEventCounters = true,
            SuppressMeters = true,
        });
}
