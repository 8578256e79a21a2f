using System.Text.Json;
using Drover.Api;
using Drover.ControlPlane.Api;
using Drover.ControlPlane.Auth;
using Drover.ControlPlane.Controllers.Framework;
using Drover.ControlPlane.ResourceMetrics;
using Drover.ControlPlane.Informers;

namespace Drover.ControlPlane.Api;

/// <summary>
/// The resource metrics API: agents POST their usage counters to <see cref="ReportPath"/> (each node only its own),
/// and the admin reads the derived rates in the metrics.k8s.io/v1beta1 shape metrics-server serves — the paths
/// `kubectl top` and the HPA use. Nodes and the ingress may not read them.
/// </summary>
public sealed class ResourceMetricsEndpoints(ResourceUsageStore usage, SharedInformers informers)
{
    public const string ReportPath = "/apis/metrics.drover.io/v1/nodes/{name}/usage";
    public const string ReadPrefix = "/apis/metrics.k8s.io/v1beta1";

    private const long MaxReportBytes = RequestBody.MaxBytes;

    private readonly ResourceUsageStore _usage = usage ?? throw new ArgumentNullException(nameof(usage));
    private readonly Informer<Pod> _pods = (informers ?? throw new ArgumentNullException(nameof(informers))).For(ResourceTypes.Pods);

    public async Task ReportAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var node = context.Request.RouteValues["name"] as string ?? "";
        try
        {
            var principal = TokenAuthentication.PrincipalOf(context);
            if (principal.Kind != PrincipalKind.Admin && !(principal.Kind == PrincipalKind.Node && principal.NodeName == node))
                throw new ApiException(ApiErrors.Forbidden($"User \"{principal.Name}\" cannot create usage reports for node \"{node}\"; a node may only report its own usage"));
            var report = await ReadReportAsync(context).ConfigureAwait(false);
            _usage.Record(node, report);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        }
        catch (ApiException e)
        {
            await ResponseWriter.WriteStatusAsync(context, e.Status).ConfigureAwait(false);
        }
    }

    public async Task ReadAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            var principal = TokenAuthentication.PrincipalOf(context);
            var rest = (context.Request.RouteValues["rest"] as string ?? "").Trim('/').Split('/');
            var resource = rest is ["namespaces", _, "pods", ..] || rest is ["pods", ..] ? "pods" : rest[0];
            if (principal.Kind != PrincipalKind.Admin)
                throw new ApiException(ApiErrors.Forbidden($"User \"{principal.Name}\" cannot get resource \"{resource}\" in API group \"metrics.k8s.io\""));
            if (context.Request.Method != "GET")
                throw new ApiException(ApiErrors.MethodNotAllowed(context.Request.Method, resource + ".metrics.k8s.io"));
            var selector = Selector(context.Request.Query["labelSelector"].ToString());
            await (rest switch
            {
                ["nodes"] => ResponseWriter.WriteJsonAsync(context, new NodeMetricsList { Items = [.. _usage.Nodes()] }, MetricsJsonContext.Default.NodeMetricsList),
                ["nodes", var name] => ResponseWriter.WriteJsonAsync(context,
                    _usage.Node(name) ?? throw NotFound("nodemetrics", name), MetricsJsonContext.Default.NodeMetrics),
                ["pods"] => WritePodsAsync(context, null, selector),
                ["namespaces", var ns, "pods"] => WritePodsAsync(context, ns, selector),
                ["namespaces", var ns, "pods", var name] => ResponseWriter.WriteJsonAsync(context,
                    WithLabels(_usage.Pod(ns, name) ?? throw NotFound("podmetrics", name)), MetricsJsonContext.Default.PodMetrics),
                _ => throw new ApiException(ApiErrors.PathNotFound(context.Request.Path.Value ?? "")),
            }).ConfigureAwait(false);
        }
        catch (ApiException e)
        {
            await ResponseWriter.WriteStatusAsync(context, e.Status).ConfigureAwait(false);
        }
    }

    private Task WritePodsAsync(HttpContext context, string? ns, Selector selector)
    {
        var items = new List<PodMetrics>();
        foreach (var pod in _usage.Pods(ns))
        {
            var labelled = WithLabels(pod);
            if (selector.Matches(labelled.Metadata.Labels))
                items.Add(labelled);
        }
        return ResponseWriter.WriteJsonAsync(context, new PodMetricsList { Items = items }, MetricsJsonContext.Default.PodMetricsList);
    }

    /// <summary>metrics-server copies the pod's labels into its metrics, so `top pods -l` can select on them.</summary>
    private PodMetrics WithLabels(PodMetrics metrics) =>
        _pods.Get(metrics.Metadata.Namespace, metrics.Metadata.Name!) is { Metadata.Labels: { } labels }
            ? metrics with { Metadata = metrics.Metadata with { Labels = labels } }
            : metrics;

    private static Selector Selector(string text)
    {
        try
        {
            return Drover.Api.Selector.Parse(text);
        }
        catch (FormatException e)
        {
            throw new ApiException(ApiErrors.BadRequest($"labelSelector \"{text}\": {e.Message}"));
        }
    }

    private static ApiException NotFound(string resource, string name) =>
        new(ApiErrors.NotFound($"{resource}.metrics.k8s.io \"{name}\" not found"));

    private static async Task<NodeUsageReport> ReadReportAsync(HttpContext context)
    {
        if (context.Request.ContentLength > MaxReportBytes)
            throw new ApiException(ApiErrors.TooLarge(MaxReportBytes));
        NodeUsageReport? report;
        try
        {
            report = await JsonSerializer.DeserializeAsync(context.Request.Body, MetricsJsonContext.Default.NodeUsageReport, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            throw new ApiException(ApiErrors.BadRequest($"the usage report is not valid: {e.Message}"));
        }
        if (report is null)
            throw new ApiException(ApiErrors.BadRequest("the usage report is empty"));
        if (report.TimestampUnixNano <= 0)
            throw new ApiException(ApiErrors.BadRequest($"timestampUnixNano: must be positive, got {report.TimestampUnixNano}"));
        // Source-generated init-only members missing from the JSON come back null, whatever their initialiser says.
        var pods = report.Pods ?? [];
        for (var i = 0; i < pods.Count; i++)
        {
            var pod = pods[i];
            if (string.IsNullOrEmpty(pod.Name) || string.IsNullOrEmpty(pod.Namespace) || string.IsNullOrEmpty(pod.Uid))
                throw new ApiException(ApiErrors.BadRequest($"pods[{i}]: namespace, name and uid are required, got \"{pod.Namespace}/{pod.Name}\" uid \"{pod.Uid}\""));
            var containers = pod.Containers ?? [];
            for (var j = 0; j < containers.Count; j++)
            {
                if (string.IsNullOrEmpty(containers[j].Name))
                    throw new ApiException(ApiErrors.BadRequest($"pods[{i}].containers[{j}].name: required"));
            }
            pods[i] = pod with { Containers = containers };
        }
        report = report with { Pods = pods };
        return report;
    }
}
