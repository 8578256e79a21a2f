using Prometheus;

namespace Drover.ControlPlane.Observability;

/// <summary>The API server's Prometheus series. Label values are bounded: verbs, resource plurals, codes.</summary>
public sealed class ApiMetrics
{
    private static readonly double[] LatencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private readonly Counter _requests;
    private readonly Histogram _requestDuration;
    private readonly Histogram _storeDuration;
    private readonly Gauge _openWatches;

    public ApiMetrics(CollectorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var factory = Metrics.WithCustomRegistry(registry);
        _requests = factory.CreateCounter("drover_apiserver_requests_total", "API requests by verb, resource and HTTP code.", "verb", "resource", "code");
        _requestDuration = factory.CreateHistogram("drover_apiserver_request_duration_seconds", "API request latency (watches excluded).",
            new HistogramConfiguration { LabelNames = ["verb", "resource"], Buckets = LatencyBuckets });
        _storeDuration = factory.CreateHistogram("drover_store_operation_duration_seconds", "Store operation latency.",
            new HistogramConfiguration { LabelNames = ["operation"], Buckets = LatencyBuckets });
        _openWatches = factory.CreateGauge("drover_apiserver_open_watches", "Watch streams currently open, by resource.", "resource");
    }

    public void RecordRequest(string verb, string resource, int code, TimeSpan elapsed)
    {
        _requests.WithLabels(verb, resource, CodeLabel(code)).Inc();
        if (verb != "watch")
            _requestDuration.WithLabels(verb, resource).Observe(elapsed.TotalSeconds);
    }

    public IDisposable TimeStore(string operation) => _storeDuration.WithLabels(operation).NewTimer();

    public WatchScope OpenWatch(string resource) => new(_openWatches.WithLabels(resource));

    private static string CodeLabel(int code) => code switch
    {
        200 => "200",
        201 => "201",
        400 => "400",
        401 => "401",
        403 => "403",
        404 => "404",
        405 => "405",
        409 => "409",
        410 => "410",
        413 => "413",
        415 => "415",
        422 => "422",
        500 => "500",
        _ => code.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public readonly struct WatchScope : IDisposable
    {
        private readonly Gauge.Child _gauge;

        public WatchScope(Gauge.Child gauge)
        {
            _gauge = gauge;
            _gauge.Inc();
        }

        public void Dispose() => _gauge.Dec();
    }
}
