using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Drover.Agent.Metrics;

/// <summary>
/// /metrics (prometheus text format of the default registry) and /healthz on one address. HttpListener
/// (managed on Linux) keeps the agent free of ASP.NET; scrapes are serialised, which a node agent's
/// scrape rate never notices.
/// </summary>
internal sealed partial class MetricsServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
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
        var host = address.Address.Equals(IPAddress.Any) || address.Address.Equals(IPAddress.IPv6Any) ? "+"
            : address.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address.Address}]"
            : address.Address.ToString();
        Prefix = $"http://{host}:{address.Port}/";
        _listener.Prefixes.Add(Prefix);
    }

    public string Prefix { get; }

    public void Start()
    {
        _listener.Start();
        _loop = Task.Run(() => ServeAsync(_stop.Token));
        Log.Listening(_logger, Prefix);
    }

    private async Task ServeAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            try
            {
                await HandleAsync(context, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or IOException or InvalidOperationException or OperationCanceledException)
            {
                Log.RequestFailed(_logger, context.Request.Url?.AbsolutePath ?? "", e.Message);
            }
            finally
            {
                try { context.Response.Close(); }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { }
            }
        }
    }

    private async Task HandleAsync(HttpListenerContext context, CancellationToken ct)
    {
        var response = context.Response;
        switch (context.Request.Url?.AbsolutePath)
        {
            case "/metrics":
                response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                using (var buffer = new MemoryStream())
                {
                    await Prometheus.Metrics.DefaultRegistry.CollectAndExportAsTextAsync(buffer, ct).ConfigureAwait(false);
                    response.ContentLength64 = buffer.Length;
                    buffer.Position = 0;
                    await buffer.CopyToAsync(response.OutputStream, ct).ConfigureAwait(false);
                }
                break;
            case "/healthz":
                var healthy = _healthy();
                response.StatusCode = healthy ? 200 : 503;
                await WriteTextAsync(response, healthy ? "ok" : "unhealthy", ct).ConfigureAwait(false);
                break;
            default:
                response.StatusCode = 404;
                await WriteTextAsync(response, "not found", ct).ConfigureAwait(false);
                break;
        }
    }

    private static async Task WriteTextAsync(HttpListenerResponse response, string text, CancellationToken ct)
    {
        var bytes = Encoding.UTF8.GetBytes(text + "\n");
        response.ContentType = "text/plain; charset=utf-8";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes, ct).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_listener.IsListening)
            _listener.Stop();
        if (_loop is not null)
            await _loop.ConfigureAwait(false);
        _listener.Close();
        _stop.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "metrics and health on {Prefix} (/metrics, /healthz)")]
        public static partial void Listening(ILogger logger, string prefix);

        [LoggerMessage(Level = LogLevel.Debug, Message = "metrics request {Path} failed: {Error}")]
        public static partial void RequestFailed(ILogger logger, string path, string error);
    }
}
