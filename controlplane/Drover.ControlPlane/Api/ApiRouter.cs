using System.Diagnostics;
using Drover.Api;
using Drover.ControlPlane.Auth;
using Drover.ControlPlane.Observability;

namespace Drover.ControlPlane.Api;

/// <summary>
/// Dispatches /api and /apis requests to the verbs, turns every failure into a Status response and
/// records one metric sample per request.
/// </summary>
public sealed partial class ApiRouter
{
    private readonly ResourceEndpoints _endpoints;
    private readonly ApiMetrics _metrics;
    private readonly ILogger<ApiRouter> _logger;
    private readonly Authorizer _authorizer;
    private readonly PodLogEndpoint _logs;
    private readonly BindingEndpoint _binding;
    private readonly PodStreamEndpoint _streams;

    public ApiRouter(ResourceEndpoints endpoints, PodLogEndpoint logs, ApiMetrics metrics, Authorizer authorizer, BindingEndpoint binding, PodStreamEndpoint streams, ILogger<ApiRouter> logger)
    {
        ArgumentNullException.ThrowIfNull(streams);
        _streams = streams;
        ArgumentNullException.ThrowIfNull(authorizer);
        ArgumentNullException.ThrowIfNull(logs);
        ArgumentNullException.ThrowIfNull(binding);
        _authorizer = authorizer;
        _logs = logs;
        _binding = binding;
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(logger);
        _endpoints = endpoints;
        _metrics = metrics;
        _logger = logger;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        ApiPath? path = null;
        var verb = "unknown";
        try
        {
            path = ApiPath.Parse(context.Request.Path.Value ?? "");
            if (path is null)
                throw new ApiException(ApiErrors.PathNotFound(context.Request.Path.Value ?? ""));
            verb = VerbOf(context.Request, path);
            await _authorizer.AuthorizeRequestAsync(TokenAuthentication.PrincipalOf(context), verb, path.Attributes(context.Request.Query), context.RequestAborted).ConfigureAwait(false);
            await DispatchAsync(context, path, verb).ConfigureAwait(false);
        }
        catch (ApiException e)
        {
            if (e.Status.Code >= 500)
                LogServerFailure(_logger, e.InnerException ?? e, context.Request.Method, context.Request.Path.Value, e.Status.Code);
            await TryWriteStatusAsync(context, e.Status).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogUnexpected(_logger, e, context.Request.Method, context.Request.Path.Value);
            await TryWriteStatusAsync(context, ApiErrors.Internal("internal error; see droverd's log")).ConfigureAwait(false);
        }
        finally
        {
            _metrics.RecordRequest(verb, path?.Type.Plural ?? "unknown", context.Response.StatusCode, Stopwatch.GetElapsedTime(started));
        }
    }

    private Task DispatchAsync(HttpContext context, ApiPath path, string verb)
    {
        var e = _endpoints;
        var method = context.Request.Method;
        return path.Subresource switch
        {
            null => verb switch
            {
                "watch" => WatchCountedAsync(context, path),
                "list" => e.ListAsync(context, path),
                "create" => e.CreateAsync(context, path),
                "get" => e.GetAsync(context, path),
                "update" => e.ReplaceAsync(context, path, statusOnly: false),
                "patch" => e.PatchAsync(context, path, statusOnly: false),
                "delete" => e.DeleteAsync(context, path),
                "deletecollection" => e.DeleteCollectionAsync(context, path),
                _ => throw new ApiException(ApiErrors.MethodNotAllowed(method, path.IsCollection ? path.Type.Plural : $"{path.Type.Singular} \"{path.Name}\"")),
            },
            "status" when path.Type.HasStatus => method switch
            {
                "GET" => e.GetAsync(context, path),
                "PUT" => e.ReplaceAsync(context, path, statusOnly: true),
                "PATCH" => e.PatchAsync(context, path, statusOnly: true),
                _ => throw new ApiException(ApiErrors.MethodNotAllowed(method, $"{path.Type.Plural}/status")),
            },
            // Authorised above as get on pods/log: nodes are refused, as Kubernetes' node authorizer refuses kubelets.
            "log" when path.Type == ResourceTypes.Pods && !path.IsCollection => _logs.HandleAsync(context, path),
            // Authorised above (create on pods/exec for POST, get for a WebSocket's GET): nodes are refused.
            "exec" or "attach" or "portforward" when path.Type == ResourceTypes.Pods && !path.IsCollection => _streams.HandleAsync(context, path),
            "scale" when path.Type.HasScale => method switch
            {
                "GET" => e.GetScaleAsync(context, path),
                "PUT" => e.UpdateScaleAsync(context, path, isPatch: false),
                "PATCH" => e.UpdateScaleAsync(context, path, isPatch: true),
                _ => throw new ApiException(ApiErrors.MethodNotAllowed(method, $"{path.Type.Plural}/scale")),
            },
            "binding" when path.Type == ResourceTypes.Pods => method switch
            {
                "POST" => _binding.HandleAsync(context, path),
                _ => throw new ApiException(ApiErrors.MethodNotAllowed(method, "pods/binding")),
            },
            _ => throw new ApiException(ApiErrors.PathNotFound(context.Request.Path.Value ?? "")),
        };
    }

    /// <summary>A watch, counted in drover_apiserver_open_watches while its stream is open (declared, never fed before).</summary>
    private async Task WatchCountedAsync(HttpContext context, ApiPath path)
    {
        using (_metrics.OpenWatch(path.Type.Plural))
            await _endpoints.WatchAsync(context, path).ConfigureAwait(false);
    }

    /// <summary>Kubernetes' verb names, used for metrics and (later) authorisation.</summary>
    public static string VerbOf(HttpRequest request, ApiPath path)
    {
        ArgumentNullException.ThrowIfNull(request);
        var watch = QueryParameters.Bool(request.Query, "watch");
        return (request.Method, path.IsCollection) switch
        {
            ("GET", true) => watch ? "watch" : "list",
            ("GET", false) => watch ? "watch" : "get",
            ("POST", true) => "create",
            ("PUT", false) => "update",
            ("PATCH", false) => "patch",
            ("DELETE", false) => "delete",
            ("DELETE", true) when path.Subresource is null => "deletecollection",
            // POST to a subresource (pods/NAME/binding) creates it, in Kubernetes' authorisation terms.
            ("POST", false) when path.Subresource is not null => "create",
            _ => request.Method.ToLowerInvariant(),
        };
    }

    private static async Task TryWriteStatusAsync(HttpContext context, Status status)
    {
        if (context.Response.HasStarted)
            return;
        context.Response.Clear();
        await ResponseWriter.WriteStatusAsync(context, status).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Unexpected failure serving {Method} {Path}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method, string? path);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Failure serving {Method} {Path}: answered {Code}")]
    private static partial void LogServerFailure(ILogger logger, Exception exception, string method, string? path, int code);
}
