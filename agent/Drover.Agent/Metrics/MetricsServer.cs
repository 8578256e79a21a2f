using System.Net;
using System.Net.Sockets;
using System.Text;
using Drover.Agent.Logs;
using Microsoft.Extensions.Logging;

namespace Drover.Agent.Metrics;

/// <summary>
/// /metrics (Prometheus text format of <see cref="MetricRegistry"/>) and /healthz on one address: a TcpListener
/// and the few lines of HTTP/1.1 the log endpoint already speaks (<see cref="HttpWire"/>), one request per
/// connection. HttpListener cost the agent's image its own HTTP stack; scrapes are serialised, which a node
/// agent's scrape rate never notices.
/// </summary>
internal sealed partial class MetricsServer : IAsyncDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private readonly TcpListener _listener;
    private readonly ILogger _logger;
    private readonly Func<bool> _healthy;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public MetricsServer(IPEndPoint address, Func<bool> healthy, ILogger<MetricsServer> logger)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(healthy);
        ArgumentNullException.ThrowIfNull(logger);
        _healthy = healthy;
        _logger = logger;
        _listener = new TcpListener(address);
    }

    /// <summary>The bound address (its port is the real one when port 0 was asked for).</summary>
    public IPEndPoint LocalEndpoint => (IPEndPoint)_listener.LocalEndpoint;

    public void Start()
    {
        _listener.Start();
        _loop = ServeAsync(_stop.Token);
        Log.Listening(_logger, LocalEndpoint);
    }

    private async Task ServeAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                Log.RequestFailed(_logger, "(accept)", e.Message);
                continue;
            }

            using var stream = new NetworkStream(socket, ownsSocket: true);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(RequestTimeout);
            try
            {
                await HandleAsync(stream, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or SocketException or LogRequestException or OperationCanceledException)
            {
                Log.RequestFailed(_logger, socket.RemoteEndPoint?.ToString() ?? "?", e.Message);
            }
        }
    }

    private async Task HandleAsync(NetworkStream stream, CancellationToken ct)
    {
        if (await HttpWire.ReadRequestLineAsync(stream, ct).ConfigureAwait(false) is not { } request)
            return;
        var path = request.Target.Split('?', 2)[0];
        if (request.Method is not ("GET" or "HEAD"))
        {
            await HttpWire.WriteErrorAsync(stream, 405, "only GET", ct).ConfigureAwait(false);
            return;
        }

        switch (path)
        {
            case "/metrics":
                var body = Encoding.UTF8.GetBytes(MetricRegistry.WriteText());
                await HttpWire.WriteAsync(stream, 200, "text/plain; version=0.0.4; charset=utf-8", body, request.Method == "HEAD", ct).ConfigureAwait(false);
                break;
            case "/healthz":
                var healthy = _healthy();
                await HttpWire.WriteAsync(stream, healthy ? 200 : 503, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(healthy ? "ok\n" : "unhealthy\n"), request.Method == "HEAD", ct).ConfigureAwait(false);
                break;
            default:
                await HttpWire.WriteErrorAsync(stream, 404, "not found", ct).ConfigureAwait(false);
                break;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        if (_loop is not null)
            await _loop.ConfigureAwait(false);
        _listener.Dispose();
        _stop.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "metrics and health on http://{Endpoint}/ (/metrics, /healthz)")]
        public static partial void Listening(ILogger logger, IPEndPoint endpoint);

        [LoggerMessage(Level = LogLevel.Debug, Message = "metrics request from {Remote} failed: {Error}")]
        public static partial void RequestFailed(ILogger logger, string remote, string error);
    }
}
