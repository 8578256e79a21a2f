using System.Diagnostics;
using System.Net;
using System.Text;
using Drover.Ingress.Config;
using Drover.Ingress.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Drover.Ingress.Proxy;

/// <summary>
/// The request path: one read of the current snapshot, one route lookup, then YARP's forwarder to a
/// destination picked round-robin. No YARP route matching, no per-request logging, no allocations of our
/// own beyond what the forwarder does. 404 when nothing matches, 503 naming the service when it has no
/// ready endpoint, 308 to https when the rule asks for it.
/// </summary>
internal sealed partial class IngressProxy
{
    private static readonly byte[] NotFoundBody = Encoding.UTF8.GetBytes("404 Not Found: no ingress rule matches this host and path\n");
    private static readonly byte[] NotReadyBody = Encoding.UTF8.GetBytes("503 Service Unavailable: the ingress has not loaded its configuration yet\n");

    private readonly ProxyConfigSource _source;
    private readonly IHttpForwarder _forwarder;
    private readonly HttpMessageInvoker _upstream;
    private readonly ForwarderRequestConfig _requestConfig;
    private readonly IngressMetrics _metrics;
    private readonly IngressOptions _options;
    private readonly long _failTimeoutTicks;
    private readonly ILogger _logger;

    public IngressProxy(ProxyConfigSource source, IHttpForwarder forwarder, HttpMessageInvoker upstream, IngressMetrics metrics, IngressOptions options, ILogger<IngressProxy> logger)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(forwarder);
        ArgumentNullException.ThrowIfNull(upstream);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _source = source;
        _forwarder = forwarder;
        _upstream = upstream;
        _metrics = metrics;
        _options = options;
        _logger = logger;
        _failTimeoutTicks = (long)(options.FailTimeout.TotalSeconds * Stopwatch.Frequency);
        _requestConfig = new ForwarderRequestConfig
        {
            ActivityTimeout = options.UpstreamTimeout,
            // Pods speak HTTP/1.1 in clear; asking for HTTP/2 would only cost a downgrade.
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
            AllowResponseBuffering = false,
        };
    }

    public Task InvokeAsync(HttpContext context)
    {
        var config = _source.Current;
        if (config is null)
            return WriteAsync(context, StatusCodes.Status503ServiceUnavailable, NotReadyBody, _metrics.Unrouted);
        var request = context.Request;
        var match = config.Routes.Match(request.Host.Value, request.Path.Value ?? "/");
        if (match.Target is not { } target)
            return WriteAsync(context, StatusCodes.Status404NotFound, NotFoundBody, _metrics.Unrouted);
        if (target.SslRedirect && !request.IsHttps && _options.HttpsPort > 0)
            return RedirectAsync(context, target);
        var backend = target.Backend;
        var destination = backend.Pick(Stopwatch.GetTimestamp());
        if (destination is null)
            return WriteAsync(context, StatusCodes.Status503ServiceUnavailable, backend.UnavailableBody, target.Metrics);
        return ForwardAsync(context, target, destination);
    }

    private async Task ForwardAsync(HttpContext context, RouteTarget target, Destination destination)
    {
        var started = Stopwatch.GetTimestamp();
        var error = await _forwarder.SendAsync(context, destination.Prefix, _upstream, _requestConfig, ForwardedHeadersTransformer.Instance).ConfigureAwait(false);
        if (error != ForwarderError.None)
            error = await RecoverAsync(context, target, destination, error).ConfigureAwait(false);
        target.Metrics.Upstream.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        target.Metrics.Count(context.Response.StatusCode);
    }

    /// <summary>
    /// A destination that refused the connection or timed out is taken out for the fail timeout. A request
    /// without a body is tried once on another address, as nginx's proxy_next_upstream does, when it never reached
    /// the pod (the connection failed) or may be repeated (an idempotent method whose connection died before an answer,
    /// e.g. a pooled connection to a pod whose node's network was cut): a pod that just went away costs no client an error.
    /// The same holds for an answer whose headers came but whose body broke off before any byte of it reached the client
    /// (the path died in between; YARP has cleared the response for a 502): the client has seen nothing, so an idempotent
    /// request is tried once on another address too.
    /// </summary>
    private async ValueTask<ForwarderError> RecoverAsync(HttpContext context, RouteTarget target, Destination failed, ForwarderError error)
    {
        // ResponseBodyDestination: reading the pod's body failed (the client's side would be ResponseBodyClient).
        var brokeOffUnseen = error == ForwarderError.ResponseBodyDestination && !context.Response.HasStarted;
        if (error is ForwarderError.Request or ForwarderError.RequestTimedOut || brokeOffUnseen)
        {
            failed.Health.MarkFailed(Stopwatch.GetTimestamp() + _failTimeoutTicks);
            _metrics.UpstreamFailures.WithLabels(error.ToString()).Inc();
            LogUpstreamFailed(_logger, target.Backend.Key, failed.Address, error.ToString(), context.Features.Get<IForwarderErrorFeature>()?.Exception?.Message);
        }
        if ((error != ForwarderError.Request && !brokeOffUnseen) || context.Response.HasStarted || HasBody(context.Request) || context.RequestAborted.IsCancellationRequested)
            return error;
        if (!NeverReached(context) && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
            && !HttpMethods.IsOptions(context.Request.Method) && !HttpMethods.IsPut(context.Request.Method) && !HttpMethods.IsDelete(context.Request.Method))
            return error;
        var retry = target.Backend.Pick(Stopwatch.GetTimestamp());
        if (retry is null || ReferenceEquals(retry, failed) || !retry.Health.IsHealthy(Stopwatch.GetTimestamp()))
            return error;
        context.Features.Set<IForwarderErrorFeature>(null);
        context.Response.StatusCode = StatusCodes.Status200OK;
        var second = await _forwarder.SendAsync(context, retry.Prefix, _upstream, _requestConfig, ForwardedHeadersTransformer.Instance).ConfigureAwait(false);
        if (second is ForwarderError.Request or ForwarderError.RequestTimedOut)
            retry.Health.MarkFailed(Stopwatch.GetTimestamp() + _failTimeoutTicks);
        return second;
    }

    /// <summary>The connection to the pod could not be made, so the pod saw nothing of the request.</summary>
    private static bool NeverReached(HttpContext context) =>
        context.Features.Get<IForwarderErrorFeature>()?.Exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError };

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || request.Headers.ContainsKey("Transfer-Encoding") || request.Headers.ContainsKey("Upgrade");

    private Task RedirectAsync(HttpContext context, RouteTarget target)
    {
        var request = context.Request;
        var host = Routing.HostName.WithoutPort(request.Host.Value).ToString();
        var port = _options.HttpsPort == 443 ? "" : ":" + _options.HttpsPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.StatusCode = StatusCodes.Status308PermanentRedirect;
        context.Response.Headers.Location = $"https://{host}{port}{request.PathBase}{request.Path}{request.QueryString}";
        target.Metrics.Count(StatusCodes.Status308PermanentRedirect);
        return Task.CompletedTask;
    }

    private static Task WriteAsync(HttpContext context, int status, byte[] body, RouteMetrics metrics)
    {
        metrics.Count(status);
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, 0, body.Length);
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Warning, Message = "backend {Backend}: {Address} failed ({Error}: {Reason}); out of rotation for the fail timeout")]
    private static partial void LogUpstreamFailed(ILogger logger, string backend, string address, string error, string? reason);
}
