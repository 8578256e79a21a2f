namespace Drover.ControlPlane.Api.Discovery;

/// <summary>
/// GET /api, /api/v1, /apis, /apis/GROUP, /apis/GROUP/VERSION: what kubectl and client libraries read before anything
/// else (the RESTMapper). Any authenticated identity may read them (Kubernetes' system:discovery role).
/// An Accept asking for apidiscovery.k8s.io/v2 gets the aggregated list, in one request instead of one per group.
/// </summary>
public sealed class DiscoveryEndpoints
{
    public const string AggregatedContentType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

    private readonly DiscoveryDocuments _documents = DiscoveryDocuments.Served;

    public Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
            return ResponseWriter.WriteStatusAsync(context, Drover.Api.ApiErrors.MethodNotAllowed(request.Method, request.Path.Value ?? ""));
        var segments = (request.Path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        var aggregated = WantsAggregated(request);
        var body = segments switch
        {
            ["api"] => aggregated ? _documents.AggregatedCore : _documents.CoreVersions,
            ["api", var version] => _documents.ResourceList(version),
            ["apis"] => aggregated ? _documents.AggregatedGroups : _documents.GroupList,
            ["apis", var group] => _documents.Group(group),
            ["apis", var group, var version] => _documents.ResourceList(group + "/" + version),
            _ => null,
        };
        if (body is null)
            return ResponseWriter.WriteStatusAsync(context, Drover.Api.ApiErrors.PathNotFound(request.Path.Value ?? ""));
        var isAggregated = aggregated && segments.Length == 1;
        return WriteAsync(context, body, isAggregated ? AggregatedContentType : "application/json");
    }

    private static bool WantsAggregated(HttpRequest request)
    {
        foreach (var range in MediaRange.ParseAccept(request))
        {
            if (range.Names("APIGroupDiscoveryList", "apidiscovery.k8s.io", "v2"))
                return true;
            // The client's order decides: plain JSON asked before the aggregated form means plain JSON.
            if (range.IsJson && range["as"] is null)
                return false;
        }
        return false;
    }

    private static async Task WriteAsync(HttpContext context, byte[] body, string contentType)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = contentType;
        context.Response.Headers.Vary = "Accept";
        context.Response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
            await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }
}
