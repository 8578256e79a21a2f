using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Drover.Agent.Cri;
using Drover.Agent.Logs;
using Drover.Agent.Metrics;
using Microsoft.Extensions.Logging;
using CriV1 = Drover.Agent.Cri.V1;

namespace Drover.Agent.Streams;

/// <summary>
/// exec, attach and port-forward on the agent's HTTPS port (droverd only, as for logs). The agent asks the runtime
/// (CRI Exec, Attach, PortForward) for a session on its streaming server, forwards the caller's upgrade request there
/// and, once the runtime switched protocols, relays bytes both ways until either side closes or the session idles.
/// The stream protocol (SPDY/3.1 with kubectl's channel streams, or a WebSocket channel protocol the runtime speaks)
/// runs end to end between the client and the runtime, as between kubectl and the kubelet's streaming server; the
/// agent adds the checks, the limits and droverd-only access. WebSocket subprotocols the runtime does not speak are
/// refused before any session is made, so the client takes its SPDY fallback (kubectl 1.32 does for v5.channel.k8s.io).
/// </summary>
internal sealed partial class ContainerStreamServer : IDisposable
{
    /// <summary>Sessions relayed at once per node; more are answered 429 (a session holds two connections and a runtime process).</summary>
    public const int MaxStreams = 32;

    /// <summary>The kubelet's default streaming idle timeout.</summary>
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromHours(4);

    /// <summary>How long the runtime may take to connect and answer the upgrade.</summary>
    private static readonly TimeSpan UpgradeTimeout = TimeSpan.FromSeconds(30);

    private const int RelayBufferBytes = 32 * 1024;
    private const int MaxRuntimeErrorBytes = 4096;
    private const int MaxProtocolValues = 16;

    /// <summary>What containerd 1.6's streaming server (the kubelet's, vendored) accepts as WebSocket subprotocols.</summary>
    private static readonly string[] RuntimeWebSocketProtocols = ["v4.channel.k8s.io", "v4.base64.channel.k8s.io", "channel.k8s.io", "base64.channel.k8s.io"];

    private readonly CriClient _cri;
    private readonly ContainerLogLocator _locator;
    private readonly TimeProvider _time;
    private readonly TimeSpan _idleTimeout;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _slots = new(MaxStreams, MaxStreams);

    public ContainerStreamServer(CriClient cri, ContainerLogLocator locator, TimeProvider time, ILogger<ContainerStreamServer> logger, TimeSpan? idleTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(cri);
        ArgumentNullException.ThrowIfNull(locator);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _cri = cri;
        _locator = locator;
        _time = time;
        _logger = logger;
        _idleTimeout = idleTimeout ?? DefaultIdleTimeout;
    }

    /// <summary>Sessions being relayed now.</summary>
    public int ActiveStreams => MaxStreams - _slots.CurrentCount;

    /// <summary>Serves one streaming request whose head was read from <paramref name="client"/>; returns when the session ends.</summary>
    public async Task ServeAsync(Stream client, HttpRequestHead head, string remote, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(head);
        var kind = "unknown";
        if (!_slots.Wait(0))
        {
            AgentMetrics.StreamRequests.WithLabels(kind, "busy").Inc();
            await HttpWire.WriteErrorAsync(client, 429, $"this node relays at most {MaxStreams} exec, attach and port-forward sessions at once; try again later", stopping).ConfigureAwait(false);
            return;
        }

        AgentMetrics.OpenStreams.Set(ActiveStreams);
        try
        {
            ContainerStreamRequest request;
            string url;
            IReadOnlyList<KeyValuePair<string, string>> upgrade;
            try
            {
                if (head.Method is not ("GET" or "POST"))
                    throw new LogRequestException(405, $"{head.Method} is not allowed; streams are opened with POST (SPDY) or GET (WebSocket)");
                request = ContainerStreamRequest.Parse(head.Target);
                kind = request.Kind.ToString().ToLowerInvariant();
                upgrade = UpgradeHeaders(head, request.Kind);
                url = await PrepareAsync(request, stopping).ConfigureAwait(false);
            }
            catch (LogRequestException e)
            {
                AgentMetrics.StreamRequests.WithLabels(kind, e.StatusCode.ToString(CultureInfo.InvariantCulture)).Inc();
                await HttpWire.WriteErrorAsync(client, e.StatusCode, e.Message, stopping).ConfigureAwait(false);
                return;
            }
            catch (CriException e)
            {
                var status = e.IsNotFound ? 404 : e.StatusCode == Grpc.Core.StatusCode.InvalidArgument ? 400 : 503;
                AgentMetrics.StreamRequests.WithLabels(kind, status.ToString(CultureInfo.InvariantCulture)).Inc();
                await HttpWire.WriteErrorAsync(client, status, $"the container runtime refused the {kind} session: {e.RuntimeMessage}", stopping).ConfigureAwait(false);
                return;
            }

            Log.Opening(_logger, kind, remote, request.Namespace, request.Pod, request.Container ?? "");
            await RelayAsync(client, head.Method, url, upgrade, kind, stopping).ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
            AgentMetrics.OpenStreams.Set(ActiveStreams);
        }
    }

    /// <summary>
    /// The upgrade headers passed on to the runtime: SPDY's protocol versions, or the WebSocket handshake with only the
    /// subprotocols the runtime speaks. A plain request, or a WebSocket offering none of them, is refused with 400.
    /// </summary>
    internal static IReadOnlyList<KeyValuePair<string, string>> UpgradeHeaders(HttpRequestHead head, StreamKind kind)
    {
        var upgrade = head.Values("Upgrade").FirstOrDefault();
        var headers = new List<KeyValuePair<string, string>>();
        if (string.Equals(upgrade, "SPDY/3.1", StringComparison.OrdinalIgnoreCase))
        {
            headers.Add(new("Upgrade", "SPDY/3.1"));
            foreach (var version in Bounded(head.Values("X-Stream-Protocol-Version"), "X-Stream-Protocol-Version"))
                headers.Add(new("X-Stream-Protocol-Version", version));
            return headers;
        }

        if (string.Equals(upgrade, "websocket", StringComparison.OrdinalIgnoreCase))
        {
            var key = head.Values("Sec-WebSocket-Key").FirstOrDefault();
            if (key is not { Length: > 0 and <= 64 } || !IsToken(key))
                throw new LogRequestException(400, "Sec-WebSocket-Key: missing or malformed");
            var offered = Bounded(head.Values("Sec-WebSocket-Protocol"), "Sec-WebSocket-Protocol").ToList();
            var spoken = offered.Where(p => RuntimeWebSocketProtocols.Contains(p, StringComparer.Ordinal)).ToList();
            if (offered.Count > 0 && spoken.Count == 0)
            {
                throw new LogRequestException(400, $"Sec-WebSocket-Protocol: the node's container runtime does not speak {string.Join(", ", offered)} (it speaks SPDY/3.1 and {string.Join(", ", RuntimeWebSocketProtocols)} for {kind.ToString().ToLowerInvariant()}); use SPDY/3.1, which kubectl falls back to");
            }
            headers.Add(new("Upgrade", "websocket"));
            headers.Add(new("Sec-WebSocket-Key", key));
            headers.Add(new("Sec-WebSocket-Version", head.Values("Sec-WebSocket-Version").FirstOrDefault() ?? "13"));
            if (spoken.Count > 0)
                headers.Add(new("Sec-WebSocket-Protocol", string.Join(", ", spoken)));
            return headers;
        }

        throw new LogRequestException(400, "Upgrade request required: exec, attach and port-forward are streams (Upgrade: SPDY/3.1 or websocket)");
    }

    private static IEnumerable<string> Bounded(IEnumerable<string> values, string header)
    {
        var count = 0;
        foreach (var value in values)
        {
            if (++count > MaxProtocolValues || value.Length > 64 || !IsToken(value))
                throw new LogRequestException(400, $"{header}: more than {MaxProtocolValues} values, or a value that is not a protocol name");
            yield return value;
        }
    }

    private static bool IsToken(string value) =>
        value.All(c => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '.' or '-' or '_' or '/' or '+' or '=');

    /// <summary>Asks the runtime for a session; its URL is on the runtime's own streaming server (loopback).</summary>
    private async Task<string> PrepareAsync(ContainerStreamRequest request, CancellationToken ct)
    {
        if (request.Kind == StreamKind.PortForward)
        {
            var sandbox = await _locator.FindReadySandboxAsync(request.Namespace, request.Pod, ct).ConfigureAwait(false);
            return await _cri.PortForwardAsync(sandbox.Id, request.Ports, ct).ConfigureAwait(false);
        }

        var container = await _locator.FindRunningAsync(request.Namespace, request.Pod, request.Container!, ct).ConfigureAwait(false);
        if (request.Kind == StreamKind.Attach)
        {
            return await _cri.AttachAsync(new CriV1.AttachRequest
            {
                ContainerId = container.Id, Stdin = request.Stdin, Stdout = request.Stdout, Stderr = request.Stderr, Tty = request.Tty,
            }, ct).ConfigureAwait(false);
        }

        var exec = new CriV1.ExecRequest { ContainerId = container.Id, Stdin = request.Stdin, Stdout = request.Stdout, Stderr = request.Stderr, Tty = request.Tty };
        exec.Cmd.AddRange(request.Command);
        return await _cri.ExecAsync(exec, ct).ConfigureAwait(false);
    }

    private async Task RelayAsync(Stream client, string method, string url, IReadOnlyList<KeyValuePair<string, string>> upgrade, string kind, CancellationToken stopping)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
        {
            AgentMetrics.StreamRequests.WithLabels(kind, "502").Inc();
            await HttpWire.WriteErrorAsync(client, 502, $"the container runtime's streaming URL is not plain http on this host ({url}); the agent relays only to a loopback streaming server without TLS", stopping).ConfigureAwait(false);
            return;
        }

        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        NetworkStream runtime;
        RuntimeResponseHead response;
        using (var connecting = CancellationTokenSource.CreateLinkedTokenSource(stopping))
        {
            connecting.CancelAfter(UpgradeTimeout);
            try
            {
                await socket.ConnectAsync(uri.Host, uri.Port, connecting.Token).ConfigureAwait(false);
                runtime = new NetworkStream(socket, ownsSocket: false);
                await runtime.WriteAsync(RequestHead(method, uri, upgrade), connecting.Token).ConfigureAwait(false);
                response = await RuntimeResponseHead.ReadAsync(runtime, connecting.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or LogRequestException && !stopping.IsCancellationRequested)
            {
                AgentMetrics.StreamRequests.WithLabels(kind, "502").Inc();
                await HttpWire.WriteErrorAsync(client, 502, $"the container runtime's streaming server at {uri.Authority} did not answer the {kind} upgrade: {e.Message}", stopping).ConfigureAwait(false);
                return;
            }
        }

        await using (runtime.ConfigureAwait(false))
        {
            if (response.StatusCode != 101)
            {
                var body = await ReadSomeAsync(runtime, stopping).ConfigureAwait(false);
                var status = response.StatusCode is >= 400 and < 500 ? response.StatusCode : 502;
                AgentMetrics.StreamRequests.WithLabels(kind, status.ToString(CultureInfo.InvariantCulture)).Inc();
                await HttpWire.WriteErrorAsync(client, status, $"the container runtime refused the {kind} session ({response.StatusCode.ToString(CultureInfo.InvariantCulture)}): {body}", stopping).ConfigureAwait(false);
                return;
            }

            AgentMetrics.StreamRequests.WithLabels(kind, "101").Inc();
            // The runtime's own 101 goes back unchanged: its Sec-WebSocket-Accept answers the client's key.
            await client.WriteAsync(response.Raw, stopping).ConfigureAwait(false);
            await client.FlushAsync(stopping).ConfigureAwait(false);
            await PumpBothWaysAsync(client, runtime, stopping).ConfigureAwait(false);
        }
    }

    private static byte[] RequestHead(string method, Uri uri, IReadOnlyList<KeyValuePair<string, string>> upgrade)
    {
        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"{method} {uri.PathAndQuery} HTTP/1.1\r\nHost: {uri.Authority}\r\nConnection: Upgrade\r\n");
        foreach (var (name, value) in upgrade)
            head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        if (method == "POST")
            head.Append("Content-Length: 0\r\n");
        head.Append("\r\n");
        return Encoding.ASCII.GetBytes(head.ToString());
    }

    private static async Task<string> ReadSomeAsync(Stream runtime, CancellationToken stopping)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        var buffer = new byte[MaxRuntimeErrorBytes];
        var filled = 0;
        try
        {
            int read;
            while (filled < buffer.Length && (read = await runtime.ReadAsync(buffer.AsMemory(filled), timeout.Token).ConfigureAwait(false)) > 0)
                filled += read;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
        }
        return Encoding.UTF8.GetString(buffer, 0, filled).Trim();
    }

    /// <summary>Copies both ways until either side ends, the session idles past the timeout, or the agent stops.</summary>
    private async Task PumpBothWaysAsync(Stream client, Stream runtime, CancellationToken stopping)
    {
        using var idle = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
        idle.CancelAfter(_idleTimeout);
        using var session = CancellationTokenSource.CreateLinkedTokenSource(stopping, idle.Token);
        var up = PumpAsync(client, runtime, idle, session.Token);
        var down = PumpAsync(runtime, client, idle, session.Token);
        await Task.WhenAny(up, down).ConfigureAwait(false);
        await session.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(up, down).ConfigureAwait(false);
        if (idle.IsCancellationRequested && !stopping.IsCancellationRequested)
            Log.Idle(_logger, _idleTimeout);
    }

    private async Task PumpAsync(Stream from, Stream to, CancellationTokenSource idle, CancellationToken ct)
    {
        var buffer = new byte[RelayBufferBytes];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                idle.CancelAfter(_idleTimeout);
                await to.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                await to.FlushAsync(ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // Either side went away, the session idled out or the agent stops: the other direction ends with it.
        }
    }

    public void Dispose() => _slots.Dispose();

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "{Kind} session for {Remote}: pod {Namespace}/{Pod} container {Container}")]
        public static partial void Opening(ILogger logger, string kind, string remote, string @namespace, string pod, string container);

        [LoggerMessage(Level = LogLevel.Information, Message = "closed a stream idle for {Timeout}")]
        public static partial void Idle(ILogger logger, TimeSpan timeout);
    }
}
