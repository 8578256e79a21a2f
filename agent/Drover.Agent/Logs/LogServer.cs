using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Drover.Agent.Cri;
using Drover.Agent.Metrics;
using Drover.Agent.Streams;
using Microsoft.Extensions.Logging;

namespace Drover.Agent.Logs;

/// <summary>
/// The agent's HTTPS endpoint (the kubelet's port): container logs for droverd only. TLS with the
/// agent's self-signed certificate (droverd pins its hash from the Node); the caller must present a
/// client certificate that <see cref="ClientCertificatePolicy"/> accepts, or the handshake fails. One
/// GET per connection; the connection closes after the answer.
/// </summary>
internal sealed partial class LogServer : IAsyncDisposable
{
    /// <summary>Connections served at once; more are closed at once (droverd retries, a flood gains nothing).</summary>
    public const int MaxConnections = 64;

    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    private readonly TcpListener _listener;
    private volatile SslStreamCertificateContext _certificate;
    private readonly ClientCertificatePolicy _policy;
    private readonly ContainerLogLocator _locator;
    private readonly ContainerLogStreamer _streamer;
    private readonly ContainerStreamServer? _streams;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _slots = new(MaxConnections, MaxConnections);
    private readonly List<Task> _connections = [];
    private Task? _acceptLoop;

    /// <param name="streams">exec, attach and port-forward on the same port (the kubelet's); null serves logs only.</param>
    public LogServer(IPEndPoint address, X509Certificate2 certificate, ClientCertificatePolicy policy, ContainerLogLocator locator, ContainerLogStreamer streamer, ILogger<LogServer> logger, ContainerStreamServer? streams = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(locator);
        ArgumentNullException.ThrowIfNull(streamer);
        ArgumentNullException.ThrowIfNull(logger);
        _listener = new TcpListener(address);
        _certificate = SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true);
        _policy = policy;
        _locator = locator;
        _streamer = streamer;
        _streams = streams;
        _logger = logger;
    }

    /// <summary>Serves <paramref name="certificate"/> from the next handshake on; connections already open keep theirs.</summary>
    public void UseCertificate(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        _certificate = SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true);
    }

    /// <summary>Connections being served now (a follower holds one until it or the container goes).</summary>
    public int ActiveConnections => MaxConnections - _slots.CurrentCount;

    /// <summary>The bound address (its port is the real one when port 0 was asked for).</summary>
    public IPEndPoint LocalEndpoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>Binds and starts accepting; a bind failure (port taken, address absent) throws <see cref="SocketException"/>.</summary>
    public void Start()
    {
        _listener.Start();
        _acceptLoop = AcceptLoopAsync(_stop.Token);
        Log.Listening(_logger, LocalEndpoint);
    }

    private async Task AcceptLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException e)
            {
                Log.AcceptFailed(_logger, e.Message);
                continue;
            }

            if (!_slots.Wait(0))
            {
                AgentMetrics.LogRequests.WithLabels("busy").Inc();
                socket.Dispose();
                continue;
            }

            var connection = Task.Run(() => ServeAsync(socket, ct), CancellationToken.None);
            lock (_connections)
            {
                _connections.RemoveAll(t => t.IsCompleted);
                _connections.Add(connection);
            }
        }
    }

    private async Task ServeAsync(Socket socket, CancellationToken stopping)
    {
        var remote = socket.RemoteEndPoint?.ToString() ?? "?";
        try
        {
            using var network = new NetworkStream(socket, ownsSocket: true);
            using var tls = new SslStream(network, leaveInnerStreamOpen: false);
            string? refusal = null;
            var options = new SslServerAuthenticationOptions
            {
                ServerCertificateContext = _certificate,
                ClientCertificateRequired = true,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                RemoteCertificateValidationCallback = (_, certificate, _, _) => (refusal = _policy.Check(certificate)) is null,
            };
            using (var handshake = CancellationTokenSource.CreateLinkedTokenSource(stopping))
            {
                handshake.CancelAfter(HandshakeTimeout);
                try
                {
                    await tls.AuthenticateAsServerAsync(options, handshake.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
                {
                    AgentMetrics.LogRequests.WithLabels("refused").Inc();
                    Log.Refused(_logger, remote, refusal ?? e.Message);
                    return;
                }
            }

            // The handshake already refused anyone else; this guards against a TLS stack that let one through.
            if (_policy.Check(tls.RemoteCertificate) is { } late)
            {
                AgentMetrics.LogRequests.WithLabels("403").Inc();
                Log.Refused(_logger, remote, late);
                await HttpWire.WriteErrorAsync(tls, 403, "forbidden", stopping).ConfigureAwait(false);
                return;
            }

            await HandleAsync(tls, remote, stopping).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The caller went away or the agent is stopping: nothing left to answer.
            Log.ConnectionEnded(_logger, remote, e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // One bad request never takes the server down.
            Log.Failed(_logger, e, remote);
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task HandleAsync(SslStream tls, string remote, CancellationToken stopping)
    {
        using var request = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        ContainerLogRequest logRequest;
        ContainerLogLocation location;
        try
        {
            HttpRequestHead? head;
            using (var headTimeout = CancellationTokenSource.CreateLinkedTokenSource(stopping))
            {
                headTimeout.CancelAfter(HandshakeTimeout);
                head = await HttpWire.ReadRequestHeadAsync(tls, headTimeout.Token).ConfigureAwait(false);
            }

            if (head is not { } line)
                return;
            if (_streams is not null && ContainerStreamRequest.IsStreamPath(line.Target))
            {
                await _streams.ServeAsync(tls, line, remote, stopping).ConfigureAwait(false);
                return;
            }
            if (line.Method != "GET")
                throw new LogRequestException(405, $"{line.Method} is not allowed; only GET");
            logRequest = ContainerLogRequest.Parse(line.Target);
            location = await _locator.FindAsync(logRequest, request.Token).ConfigureAwait(false);
        }
        catch (LogRequestException e)
        {
            AgentMetrics.LogRequests.WithLabels(e.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();
            await HttpWire.WriteErrorAsync(tls, e.StatusCode, e.Message, stopping).ConfigureAwait(false);
            return;
        }
        catch (CriException e)
        {
            AgentMetrics.LogRequests.WithLabels("503").Inc();
            await HttpWire.WriteErrorAsync(tls, 503, "the container runtime cannot be asked: " + e.Message, stopping).ConfigureAwait(false);
            return;
        }

        Log.Serving(_logger, remote, logRequest.Namespace, logRequest.Pod, logRequest.Container, logRequest.Follow);
        AgentMetrics.LogRequests.WithLabels("200").Inc();
        await HttpWire.WriteChunkedHeadAsync(tls, request.Token).ConfigureAwait(false);
        // A follower may wait long between lines: a read that ends tells that the caller hung up.
        var watch = WatchPeerAsync(tls, request);
        try
        {
            await _streamer.StreamAsync(logRequest, location, (data, ct) => HttpWire.WriteChunkAsync(tls, data, ct), request.Token).ConfigureAwait(false);
            await HttpWire.WriteLastChunkAsync(tls, request.Token).ConfigureAwait(false);
        }
        finally
        {
            await request.CancelAsync().ConfigureAwait(false);
            await watch.ConfigureAwait(false);
        }
    }

    private static async Task WatchPeerAsync(SslStream tls, CancellationTokenSource request)
    {
        var buffer = new byte[256];
        try
        {
            while (await tls.ReadAsync(buffer, request.Token).ConfigureAwait(false) > 0)
            {
                // Nothing more is expected after the request; whatever comes is ignored.
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
        }

        if (!request.IsCancellationRequested)
            await request.CancelAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        if (_acceptLoop is not null)
            await _acceptLoop.ConfigureAwait(false);
        Task[] open;
        lock (_connections)
            open = [.. _connections];
        await Task.WhenAll(open).ConfigureAwait(false);
        _listener.Dispose();
        _stop.Dispose();
        _slots.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "serving container logs on https://{Endpoint} (droverd's client certificate required)")]
        public static partial void Listening(ILogger logger, IPEndPoint endpoint);

        [LoggerMessage(Level = LogLevel.Warning, Message = "refused a log connection from {Remote}: {Reason}")]
        public static partial void Refused(ILogger logger, string remote, string reason);

        [LoggerMessage(Level = LogLevel.Debug, Message = "logs of {Namespace}/{Pod} container {Container} to {Remote} (follow={Follow})")]
        public static partial void Serving(ILogger logger, string remote, string @namespace, string pod, string container, bool follow);

        [LoggerMessage(Level = LogLevel.Debug, Message = "log connection from {Remote} ended: {Error}")]
        public static partial void ConnectionEnded(ILogger logger, string remote, string error);

        [LoggerMessage(Level = LogLevel.Error, Message = "serving logs to {Remote} failed")]
        public static partial void Failed(ILogger logger, Exception exception, string remote);

        [LoggerMessage(Level = LogLevel.Warning, Message = "accepting a log connection failed: {Error}")]
        public static partial void AcceptFailed(ILogger logger, string error);
    }
}
