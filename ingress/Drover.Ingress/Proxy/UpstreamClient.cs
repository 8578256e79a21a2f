using System.Net;
using Drover.Ingress.Config;

namespace Drover.Ingress.Proxy;

/// <summary>
/// The one connection pool to every backend address. Keep-alive connections are reused across reloads;
/// a removed address's idle connections simply expire. No proxy, redirects, cookies, decompression or
/// trace-header propagation: the request goes upstream as it came.
/// </summary>
internal static class UpstreamClient
{
    public static HttpMessageInvoker Create(IngressOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ActivityHeadersPropagator = null,
            ConnectTimeout = options.ConnectTimeout,
            // nginx's upstream keepalive_timeout is 60 s; pods restart often, so stale connections go sooner.
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            EnableMultipleHttp2Connections = true,
        };
        return new HttpMessageInvoker(handler, disposeHandler: true);
    }
}
