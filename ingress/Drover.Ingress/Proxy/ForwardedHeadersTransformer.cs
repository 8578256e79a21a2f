using System.Globalization;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Drover.Ingress.Proxy;

/// <summary>
/// Copies the request as it came (Host included: backends see the name the client used, as behind
/// ingress-nginx) and sets X-Forwarded-For/Proto/Host/Port and X-Real-IP from the connection. Incoming
/// X-Forwarded-* values are replaced, not appended: the ingress is the edge, and a client must not be
/// able to claim another address (ingress-nginx's default, use-forwarded-headers off).
/// </summary>
internal sealed class ForwardedHeadersTransformer : HttpTransformer
{
    public static ForwardedHeadersTransformer Instance { get; } = new();

    private ForwardedHeadersTransformer()
    {
    }

    public override ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        // The base class copies headers synchronously; staying out of an async state machine saves an allocation per request.
        var copied = base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        if (!copied.IsCompletedSuccessfully)
            return AddAfterAsync(copied, httpContext, proxyRequest);
        AddForwarded(httpContext, proxyRequest);
        return default;
    }

    private static async ValueTask AddAfterAsync(ValueTask copied, HttpContext httpContext, HttpRequestMessage proxyRequest)
    {
        await copied.ConfigureAwait(false);
        AddForwarded(httpContext, proxyRequest);
    }

    private static void AddForwarded(HttpContext context, HttpRequestMessage proxyRequest)
    {
        var headers = proxyRequest.Headers;
        var request = context.Request;
        var remote = context.Connection.RemoteIpAddress;
        var client = remote is null ? "" : (remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote).ToString();
        Set(headers, "X-Forwarded-For", client);
        Set(headers, "X-Real-IP", client);
        Set(headers, "X-Forwarded-Proto", request.IsHttps ? "https" : "http");
        Set(headers, "X-Forwarded-Host", request.Host.Value ?? "");
        Set(headers, "X-Forwarded-Port", context.Connection.LocalPort.ToString(CultureInfo.InvariantCulture));
    }

    private static void Set(System.Net.Http.Headers.HttpRequestHeaders headers, string name, string value)
    {
        headers.Remove(name);
        headers.TryAddWithoutValidation(name, value);
    }
}
