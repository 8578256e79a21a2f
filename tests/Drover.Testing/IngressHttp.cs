using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Drover.Testing;

/// <summary>
/// Clients that talk to the ingress on loopback whatever the URL's host says: the Host header and SNI
/// come from the URL, the connection goes to 127.0.0.1 (as a DNS entry for the ingress would send it).
/// </summary>
public static class IngressHttp
{
    public static HttpClient Client(int port, Action? connected = null, bool trustAnyCertificate = false, Action<System.Security.Cryptography.X509Certificates.X509Certificate?>? onCertificate = null)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectCallback = async (_, ct) =>
            {
                connected?.Invoke();
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(IPAddress.Loopback, port, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        if (trustAnyCertificate)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                onCertificate?.Invoke(certificate);
                return true;
            };
        }
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(20) };
    }

    /// <summary>Polls until <paramref name="condition"/> holds; returns how long it took.</summary>
    public static async Task<TimeSpan> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await condition())
                return clock.Elapsed;
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"{what}: not within {timeout.TotalSeconds} s");
            await Task.Delay(20);
        }
    }
}
