using System.Net;
using System.Net.Sockets;
using Drover.Ingress.Config;

namespace Drover.Ingress.Proxy;

/// <summary>
/// The one connection pool to every backend address. Keep-alive connections are reused across reloads;
/// a removed address's idle connections simply expire. No proxy, redirects, cookies, decompression or
/// trace-header propagation: the request goes upstream as it came.
/// </summary>
internal static class UpstreamClient
{
    // Linux's TCP_USER_TIMEOUT (netinet/tcp.h): how long sent data may stay unacknowledged before the kernel gives up.
    private const int TcpUserTimeout = 18;

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
            ConnectCallback = (context, ct) => ConnectAsync(context.DnsEndPoint, options.UnacknowledgedTimeout, ct),
        };
        return new HttpMessageInvoker(handler, disposeHandler: true);
    }

    /// <summary>
    /// A connection whose sent bytes stay unacknowledged for <paramref name="unacknowledged"/> is closed by the kernel:
    /// a pod whose node's network was cut keeps a pooled keep-alive connection open in silence, and a request sent on
    /// it would wait the whole upstream timeout (60 s) for an answer that cannot come. A live pod's kernel acknowledges
    /// within milliseconds whatever its process is doing, so only a dead path trips this; the request then fails as a
    /// connection error and, without a body, is tried on another address (IngressProxy). The same holds for a connect
    /// whose SYN nobody answers. Idle connections and slow answers are not affected: nothing is unacknowledged while
    /// the pod thinks.
    /// A request the pod's kernel had already acknowledged when the path died has nothing unacknowledged either: it
    /// waited the whole upstream timeout for an answer that could not come (the one chaos-soak timeout left during a
    /// network cut). So the connection also sends keep-alive probes once it has heard nothing for half that time;
    /// with TCP_USER_TIMEOUT set, Linux ends it when nothing came back for <paramref name="unacknowledged"/> after a
    /// probe. A live pod's kernel answers the probes, so a pod that thinks for minutes still gets its time.
    /// </summary>
    internal static async ValueTask<Stream> ConnectAsync(DnsEndPoint endPoint, TimeSpan unacknowledged, CancellationToken ct)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            // Set before the connect, so an unanswered SYN counts as well: a connect to a cut-off pod fails as a
            // connection error after this long, not after the whole connect timeout.
            if (OperatingSystem.IsLinux())
                socket.SetRawSocketOption((int)SocketOptionLevel.Tcp, TcpUserTimeout, BitConverter.GetBytes((uint)Math.Min(unacknowledged.TotalMilliseconds, int.MaxValue)));
            // Whole seconds are what the kernel takes; 1 s at least, which costs an idle pooled connection one small
            // packet and its acknowledgement a second.
            var probeSeconds = (int)Math.Clamp(unacknowledged.TotalSeconds / 2, 1, 3600);
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, probeSeconds);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, probeSeconds);
            await socket.ConnectAsync(endPoint, ct).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
