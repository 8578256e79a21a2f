using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Drover.Agent.Logs;
using Microsoft.Extensions.Logging;

namespace Drover.Agent.ServiceProxy;

/// <summary>
/// kube-proxy's service health server: one HTTP listener per <c>healthCheckNodePort</c> on the node's addresses,
/// answering any request with 200 when this node has ready endpoints of the Service (and the proxy's rules are in
/// place), 503 otherwise, with kube-proxy's JSON body and its <c>X-Load-Balancing-Endpoint-Weight</c> header (the
/// local endpoint count). <see cref="Sync"/> opens and closes listeners as Services come and go; a port another
/// program holds is logged and tried again at the next sync. One request per connection, each read bounded in size
/// (<see cref="HttpWire.MaxHeadBytes"/>) and time.
/// </summary>
internal sealed partial class ServiceHealthServer : IAsyncDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    private readonly IPAddress _address;
    private readonly Func<bool> _proxyHealthy;
    private readonly ILogger _logger;
    private readonly Dictionary<int, Listener> _listeners = [];
    private readonly Lock _lock = new();

    /// <param name="address">Where the ports listen: every address of the node (<see cref="IPAddress.Any"/>) as kube-proxy's default.</param>
    /// <param name="proxyHealthy">Whether the proxy's last sync put its rules in the kernel (kube-proxy's serviceProxyHealthy).</param>
    public ServiceHealthServer(IPAddress address, Func<bool> proxyHealthy, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(proxyHealthy);
        ArgumentNullException.ThrowIfNull(logger);
        _address = address;
        _proxyHealthy = proxyHealthy;
        _logger = logger;
    }

    /// <summary>The ports listening now.</summary>
    public IReadOnlyCollection<int> Ports
    {
        get
        {
            lock (_lock)
                return [.. _listeners.Keys];
        }
    }

    /// <summary>Listens on every port of <paramref name="targets"/> (with its Service's current count) and on no other.</summary>
    public void Sync(IReadOnlyDictionary<int, HealthCheckTarget> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        List<Listener> closed = [];
        lock (_lock)
        {
            foreach (var (port, listener) in _listeners)
            {
                if (!targets.ContainsKey(port))
                    closed.Add(listener);
            }
            foreach (var listener in closed)
                _listeners.Remove(listener.Port);
            foreach (var (port, target) in targets)
            {
                if (_listeners.TryGetValue(port, out var listener))
                {
                    listener.Target = target;
                    continue;
                }
                var socket = new TcpListener(_address, port);
                try
                {
                    socket.Start();
                }
                catch (SocketException e)
                {
                    socket.Dispose();
                    LogBindFailed(port, target.Namespace, target.Name, e.Message);
                    continue;
                }
                listener = new Listener(port, socket, target);
                _listeners[port] = listener;
                listener.Loop = ServeAsync(listener);
                LogListening(port, target.Namespace, target.Name);
            }
        }
        foreach (var listener in closed)
            _ = listener.StopAsync();
    }

    private async Task ServeAsync(Listener listener)
    {
        while (!listener.Stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.Socket.AcceptSocketAsync(listener.Stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                LogRequestFailed(listener.Port, e.Message);
                continue;
            }
            using var stream = new NetworkStream(socket, ownsSocket: true);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(listener.Stop.Token);
            timeout.CancelAfter(RequestTimeout);
            try
            {
                await AnswerAsync(stream, listener.Target, timeout.Token).ConfigureAwait(false);
            }
            catch (LogRequestException e)
            {
                await TryWriteErrorAsync(stream, e.StatusCode, e.Message, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                LogRequestFailed(listener.Port, e.Message);
            }
        }
    }

    private async Task AnswerAsync(NetworkStream stream, HealthCheckTarget target, CancellationToken ct)
    {
        if (await HttpWire.ReadRequestHeadAsync(stream, ct).ConfigureAwait(false) is not { } request)
            return;
        var healthy = _proxyHealthy();
        var status = target.LocalEndpoints > 0 && healthy ? 200 : 503;
        var headers = "X-Content-Type-Options: nosniff\r\nX-Load-Balancing-Endpoint-Weight: " + target.LocalEndpoints.ToString(CultureInfo.InvariantCulture) + "\r\n";
        await HttpWire.WriteAsync(stream, status, "application/json", headers, Body(target, healthy), request.Method == "HEAD", ct).ConfigureAwait(false);
    }

    /// <summary>kube-proxy's body, field for field and in its layout (tab-indented), so a checker written for it reads ours.</summary>
    public static byte[] Body(HealthCheckTarget target, bool proxyHealthy)
    {
        ArgumentNullException.ThrowIfNull(target);
        var text = new StringBuilder()
            .Append("{\n\t\"service\": {\n\t\t\"namespace\": ").Append(JsonString(target.Namespace))
            .Append(",\n\t\t\"name\": ").Append(JsonString(target.Name))
            .Append("\n\t},\n\t\"localEndpoints\": ").Append(target.LocalEndpoints.ToString(CultureInfo.InvariantCulture))
            .Append(",\n\t\"serviceProxyHealthy\": ").Append(proxyHealthy ? "true" : "false").Append("\n}");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static string JsonString(string value)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
            writer.WriteStringValue(value);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static async Task TryWriteErrorAsync(Stream stream, int status, string message, CancellationToken ct)
    {
        try
        {
            await HttpWire.WriteErrorAsync(stream, status, message, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            // The client is gone: nothing more to tell it.
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<Listener> all;
        lock (_lock)
        {
            all = [.. _listeners.Values];
            _listeners.Clear();
        }
        foreach (var listener in all)
            await listener.StopAsync().ConfigureAwait(false);
    }

    private sealed class Listener(int port, TcpListener socket, HealthCheckTarget target)
    {
        private volatile HealthCheckTarget _target = target;

        public int Port { get; } = port;

        public TcpListener Socket { get; } = socket;

        public CancellationTokenSource Stop { get; } = new();

        public Task? Loop { get; set; }

        public HealthCheckTarget Target
        {
            get => _target;
            set => _target = value;
        }

        public async Task StopAsync()
        {
            await Stop.CancelAsync().ConfigureAwait(false);
            Socket.Stop();
            if (Loop is not null)
                await Loop.ConfigureAwait(false);
            Socket.Dispose();
            Stop.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "service health check for {Namespace}/{Name} on port {Port}")]
    private partial void LogListening(int port, string @namespace, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "service health check for {Namespace}/{Name}: cannot listen on port {Port} ({Error}); trying again at the next sync")]
    private partial void LogBindFailed(int port, string @namespace, string name, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "service health check request on port {Port} failed: {Error}")]
    private partial void LogRequestFailed(int port, string error);
}
