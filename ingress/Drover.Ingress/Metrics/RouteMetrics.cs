using System.Globalization;
using Prometheus;

namespace Drover.Ingress.Metrics;

/// <summary>
/// Request counters by status code and the upstream latency of one ingress/service pair. The per-code
/// children are resolved on first use and kept in an array, so counting a request is an array read and
/// an interlocked add, with no label lookup or allocation.
/// </summary>
public sealed class RouteMetrics
{
    private readonly Counter _family;
    private readonly string _ingress;
    private readonly string _service;
    private readonly Counter.Child?[] _byCode = new Counter.Child?[600];

    internal RouteMetrics(Counter family, Histogram.Child upstream, string ingress, string service)
    {
        _family = family;
        Upstream = upstream;
        _ingress = ingress;
        _service = service;
    }

    public Histogram.Child Upstream { get; }

    public void Count(int statusCode)
    {
        if ((uint)statusCode >= (uint)_byCode.Length)
            statusCode = 0;
        var child = _byCode[statusCode];
        if (child is null)
        {
            // A benign race: two threads may both resolve the child; prometheus-net returns the same one.
            child = _family.WithLabels(_ingress, _service, statusCode.ToString(CultureInfo.InvariantCulture));
            _byCode[statusCode] = child;
        }
        child.Inc();
    }
}
