using System.Net;
using System.Net.Sockets;
using Drover.Agent.Discovery;
using Drover.Agent.Metrics;
using Microsoft.Extensions.Logging;

namespace Drover.Agent.ClusterDns;

/// <summary>
/// The node's cluster DNS resolver (NodeLocal DNSCache's place, CoreDNS's kubernetes plugin's answers): UDP and TCP
/// (<see cref="DnsTcpServer"/>, RFC 7766) on a node-local address, names answered from the agent's
/// <see cref="ServiceWatch"/> (so it keeps answering with the last known records while droverd is unreachable), other
/// names forwarded to a loopback upstream when one is configured and refused otherwise. A UDP answer larger than the
/// client takes is cut with TC set, and the client asks again over TCP. Memory does not grow with the query rate:
/// one receive buffer, one response buffer, a fixed number of forwards in flight (more get SERVFAIL) and of TCP
/// connections.
/// </summary>
internal sealed partial class ClusterDnsServer
{
    /// <summary>Linux's IP_FREEBIND (SOL_IP): bind to the pod gateway before the bridge that carries it exists.</summary>
    private const int SolIp = 0;
    private const int IpFreebind = 15;
    private const int TcpBacklog = 64;

    private readonly ServiceWatch _watch;
    private readonly string _domain;
    private readonly IPEndPoint _listen;
    private readonly DnsUpstream? _upstream;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _changed = new(0, 1);
    private readonly DnsTcpServer _tcp;
    private volatile ClusterDnsZone _zone;
    private readonly TaskCompletionSource<IPEndPoint> _bound = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="tcpIdleTimeout">How long a TCP connection may stay without a whole query (tests shorten it); <see cref="DnsTcpServer.DefaultIdleTimeout"/> by default.</param>
    public ClusterDnsServer(ServiceWatch watch, string domain, IPEndPoint listen, IPEndPoint? upstream, ILogger logger, TimeSpan? tcpIdleTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(watch);
        ArgumentException.ThrowIfNullOrEmpty(domain);
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(logger);
        _watch = watch;
        _domain = domain;
        _listen = listen;
        _upstream = upstream is null ? null : new DnsUpstream(upstream);
        _logger = logger;
        _zone = ClusterDnsZone.Empty(domain);
        _tcp = new DnsTcpServer(() => _zone, _upstream, tcpIdleTimeout ?? DnsTcpServer.DefaultIdleTimeout);
    }

    /// <summary>TCP connections being served now.</summary>
    public int OpenTcpConnections => _tcp.OpenConnections;

    /// <summary>The address it answers on, once bound (port 0 asked: the one the kernel chose).</summary>
    public Task<IPEndPoint> Bound => _bound.Task;

    /// <summary>Raised after each new zone is in place, with its name count (tests wait for a change to be served).</summary>
    public event Action<int>? ZoneUpdated;

    public async Task RunAsync(CancellationToken ct)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.SetRawSocketOption(SolIp, IpFreebind, BitConverter.GetBytes(1));
            socket.Bind(_listen);
        }
        catch (SocketException e)
        {
            LogBindFailed(_listen.ToString(), e.Message);
            _bound.TrySetException(e);
            return;
        }
        var bound = (IPEndPoint)socket.LocalEndPoint!;
        // TCP on the same address and port: a client that got TC over UDP asks the same server again over TCP.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.SetRawSocketOption(SolIp, IpFreebind, BitConverter.GetBytes(1));
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(bound);
            listener.Listen(TcpBacklog);
        }
        catch (SocketException e)
        {
            LogBindFailed(bound + "/tcp", e.Message);
            _bound.TrySetException(e);
            return;
        }
        LogServing(bound.ToString(), _domain, _upstream?.Endpoint.ToString() ?? "none (other names refused)");
        _watch.Changed += Signal;
        try
        {
            Signal();
            _bound.TrySetResult(bound);
            await Task.WhenAll(ZoneLoopAsync(ct), ServeAsync(socket, ct), _tcp.ServeAsync(listener, ct)).ConfigureAwait(false);
        }
        finally
        {
            _watch.Changed -= Signal;
        }
    }

    private async Task ServeAsync(Socket socket, CancellationToken ct)
    {
        var packet = new byte[DnsWire.MaxUdpBytes * 2];
        var response = new byte[DnsResponder.BufferBytes];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!ct.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await socket.ReceiveFromAsync(packet, SocketFlags.None, any, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                // A datagram larger than the buffer, or an ICMP error from an earlier send: nothing to answer.
                AgentMetrics.DnsDropped.Inc();
                continue;
            }
            var length = DnsResponder.Respond(packet.AsSpan(0, received.ReceivedBytes), response, _zone, _upstream is not null, out var query, out var code);
            try
            {
                if (length > 0)
                {
                    AgentMetrics.DnsAnswered(code).Inc();
                    await socket.SendToAsync(response.AsMemory(0, length), SocketFlags.None, received.RemoteEndPoint, ct).ConfigureAwait(false);
                }
                else if (length == 0)
                {
                    AgentMetrics.DnsDropped.Inc();
                }
                else if (_upstream!.TryEnter())
                {
                    _ = ForwardAsync(socket, packet.AsSpan(0, received.ReceivedBytes).ToArray(), query!, received.RemoteEndPoint, ct);
                }
                else
                {
                    AgentMetrics.DnsAnswered(DnsWire.ServFail).Inc();
                    var n = DnsResponseWriter.Write(response, packet.AsSpan(0, received.ReceivedBytes), query!, new DnsAnswer(DnsWire.ServFail, []), authoritative: false, recursionAvailable: true);
                    await socket.SendToAsync(response.AsMemory(0, n), SocketFlags.None, received.RemoteEndPoint, ct).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                AgentMetrics.DnsDropped.Inc();
            }
        }
    }

    private async Task ForwardAsync(Socket server, byte[] query, DnsQuery parsed, EndPoint client, CancellationToken ct)
    {
        try
        {
            var answer = new byte[DnsResponder.BufferBytes];
            var length = await _upstream!.ExchangeAsync(query, parsed, answer, tcp: false, ct).ConfigureAwait(false);
            await server.SendToAsync(answer.AsMemory(0, length), SocketFlags.None, client, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Shutting down, or the client is gone: nothing to tell anyone.
        }
        finally
        {
            _upstream!.Leave();
        }
    }

    private async Task ZoneLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await _changed.WaitAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (!_watch.TrySnapshot(out var services, out var slices))
                continue;
            var zone = ClusterDnsZone.Build(_domain, services, slices);
            _zone = zone;
            ZoneUpdated?.Invoke(zone.NameCount);
        }
    }

    private void Signal()
    {
        // At most one pending rebuild: a burst of watch events becomes one new zone.
        if (_changed.CurrentCount == 0)
        {
            try
            {
                _changed.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "cluster DNS on {Endpoint} for {Domain}; upstream: {Upstream}")]
    private partial void LogServing(string endpoint, string domain, string upstream);

    [LoggerMessage(Level = LogLevel.Error, Message = "cluster DNS cannot listen on {Endpoint}: {Error}")]
    private partial void LogBindFailed(string endpoint, string error);
}
