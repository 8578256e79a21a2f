using System.Net;
using System.Net.Sockets;
using Drover.Agent.Discovery;
using Drover.Agent.Metrics;
using Microsoft.Extensions.Logging;

namespace Drover.Agent.ClusterDns;

/// <summary>
/// The node's cluster DNS resolver (NodeLocal DNSCache's place, CoreDNS's kubernetes plugin's answers): UDP on a
/// node-local address, names answered from the agent's <see cref="ServiceWatch"/> (so it keeps answering with the
/// last known records while droverd is unreachable), other names forwarded to a loopback upstream when one is
/// configured and refused otherwise. Memory does not grow with the query rate: one receive buffer, one response
/// buffer, and a fixed number of forwards in flight (more get SERVFAIL).
/// </summary>
internal sealed partial class ClusterDnsServer
{
    /// <summary>Linux's IP_FREEBIND (SOL_IP): bind to the pod gateway before the bridge that carries it exists.</summary>
    private const int SolIp = 0;
    private const int IpFreebind = 15;
    private const int MaxForwardsInFlight = 64;
    private static readonly TimeSpan ForwardTimeout = TimeSpan.FromSeconds(2);

    private readonly ServiceWatch _watch;
    private readonly string _domain;
    private readonly IPEndPoint _listen;
    private readonly IPEndPoint? _upstream;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _changed = new(0, 1);
    private readonly SemaphoreSlim _forwardSlots = new(MaxForwardsInFlight, MaxForwardsInFlight);
    private volatile ClusterDnsZone _zone;
    private readonly TaskCompletionSource<IPEndPoint> _bound = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ClusterDnsServer(ServiceWatch watch, string domain, IPEndPoint listen, IPEndPoint? upstream, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(watch);
        ArgumentException.ThrowIfNullOrEmpty(domain);
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(logger);
        _watch = watch;
        _domain = domain;
        _listen = listen;
        _upstream = upstream;
        _logger = logger;
        _zone = ClusterDnsZone.Empty(domain);
    }

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
        LogServing(bound.ToString(), _domain, _upstream?.ToString() ?? "none (other names refused)");
        _watch.Changed += Signal;
        try
        {
            Signal();
            _bound.TrySetResult(bound);
            await Task.WhenAll(ZoneLoopAsync(ct), ServeAsync(socket, ct)).ConfigureAwait(false);
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
                else if (_forwardSlots.Wait(0))
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
            int length;
            using (var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                timeout.CancelAfter(ForwardTimeout);
                try
                {
                    await upstream.ConnectAsync(_upstream!, timeout.Token).ConfigureAwait(false);
                    await upstream.SendAsync(query, SocketFlags.None, timeout.Token).ConfigureAwait(false);
                    length = await upstream.ReceiveAsync(answer, SocketFlags.None, timeout.Token).ConfigureAwait(false);
                    AgentMetrics.DnsForwarded.Inc();
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException && !ct.IsCancellationRequested)
                {
                    AgentMetrics.DnsAnswered(DnsWire.ServFail).Inc();
                    length = DnsResponseWriter.Write(answer, query, parsed, new DnsAnswer(DnsWire.ServFail, []), authoritative: false, recursionAvailable: true);
                }
            }
            await server.SendToAsync(answer.AsMemory(0, length), SocketFlags.None, client, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Shutting down, or the client is gone: nothing to tell anyone.
        }
        finally
        {
            _forwardSlots.Release();
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
