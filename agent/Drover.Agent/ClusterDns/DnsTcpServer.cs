using System.Net;
using System.Net.Sockets;
using Drover.Agent.Metrics;

namespace Drover.Agent.ClusterDns;

/// <summary>
/// DNS over TCP (RFC 7766) beside the UDP resolver, on the same address and port: what a client asks again after a
/// truncated (TC) UDP answer, or asks over TCP from the start. Queries on a connection are answered in order, each
/// prefixed by its length. Bounded: at most <see cref="MaxConnections"/> connections and
/// <see cref="MaxConnectionsPerClient"/> from one address (more are closed at once), a connection that sends no
/// whole query within the idle timeout is closed (a slow or silent client holds nothing for long), a length prefix
/// over <see cref="DnsWire.MaxQueryBytes"/> closes the connection before its bytes are read, and each connection
/// holds two fixed buffers (one query, one largest response), so memory stays under 128 × 66 KiB.
/// </summary>
internal sealed class DnsTcpServer
{
    public const int MaxConnections = 128;
    public const int MaxConnectionsPerClient = 16;

    /// <summary>RFC 7766 §6.2.3: idle timeouts of the order of seconds; unbound's default is 30, ours is shorter.</summary>
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromSeconds(10);

    private readonly Func<ClusterDnsZone> _zone;
    private readonly DnsUpstream? _upstream;
    private readonly TimeSpan _idleTimeout;
    private readonly Dictionary<IPAddress, int> _perClient = [];
    private int _open;

    public DnsTcpServer(Func<ClusterDnsZone> zone, DnsUpstream? upstream, TimeSpan idleTimeout)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(idleTimeout, TimeSpan.Zero);
        _zone = zone;
        _upstream = upstream;
        _idleTimeout = idleTimeout;
    }

    /// <summary>Connections being served now (tests watch the limits).</summary>
    public int OpenConnections
    {
        get
        {
            lock (_perClient)
                return _open;
        }
    }

    /// <summary>Accepts on <paramref name="listener"/> (bound and listening) until <paramref name="ct"/> ends.</summary>
    public async Task ServeAsync(Socket listener, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(listener);
        var connections = new List<Task>();
        while (!ct.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (SocketException)
            {
                continue;
            }
            var address = (client.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None;
            if (!TryAdmit(address))
            {
                AgentMetrics.DnsTcpClosed.WithLabels("limit").Inc();
                client.Dispose();
                continue;
            }
            connections.RemoveAll(task => task.IsCompleted);
            connections.Add(ServeConnectionAsync(client, address, ct));
        }
        await Task.WhenAll(connections).ConfigureAwait(false);
    }

    private bool TryAdmit(IPAddress address)
    {
        lock (_perClient)
        {
            var fromClient = _perClient.GetValueOrDefault(address);
            if (_open >= MaxConnections || fromClient >= MaxConnectionsPerClient)
                return false;
            _perClient[address] = fromClient + 1;
            _open++;
            return true;
        }
    }

    private void Leave(IPAddress address)
    {
        lock (_perClient)
        {
            _open--;
            if (_perClient[address] <= 1)
                _perClient.Remove(address);
            else
                _perClient[address]--;
        }
    }

    private async Task ServeConnectionAsync(Socket client, IPAddress address, CancellationToken ct)
    {
        try
        {
            using (client)
            {
                var buffer = new byte[DnsTcpFraming.MaxFrameBytes];
                var response = new byte[DnsWire.TcpLengthBytes + DnsWire.MaxTcpResponseBytes];
                var buffered = 0;
                while (!ct.IsCancellationRequested)
                {
                    var status = DnsTcpFraming.TryRead(buffer.AsSpan(0, buffered), out var length);
                    if (status == DnsFrameStatus.TooLarge)
                    {
                        AgentMetrics.DnsTcpClosed.WithLabels("oversize").Inc();
                        return;
                    }
                    if (status == DnsFrameStatus.NeedMore)
                    {
                        var received = await ReceiveAsync(client, buffer.AsMemory(buffered), ct).ConfigureAwait(false);
                        if (received <= 0)
                            return;
                        buffered += received;
                        continue;
                    }
                    var written = await AnswerAsync(buffer.AsMemory(DnsWire.TcpLengthBytes, length), response.AsMemory(DnsWire.TcpLengthBytes), ct).ConfigureAwait(false);
                    if (written == 0)
                        return; // not a query (a response, a runt): nothing sensible follows on this stream
                    DnsTcpFraming.WritePrefix(response, written);
                    if (!await SendAsync(client, response.AsMemory(0, DnsWire.TcpLengthBytes + written), ct).ConfigureAwait(false))
                        return;
                    var consumed = DnsWire.TcpLengthBytes + length;
                    buffer.AsSpan(consumed, buffered - consumed).CopyTo(buffer);
                    buffered -= consumed;
                }
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away, or the server is stopping.
        }
        finally
        {
            Leave(address);
        }
    }

    /// <summary>Bytes received, 0 when the client closed, -1 when it was idle past the timeout.</summary>
    private async Task<int> ReceiveAsync(Socket client, Memory<byte> into, CancellationToken ct)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
        idle.CancelAfter(_idleTimeout);
        try
        {
            return await client.ReceiveAsync(into, SocketFlags.None, idle.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            AgentMetrics.DnsTcpClosed.WithLabels("idle").Inc();
            return -1;
        }
    }

    /// <summary>Sends all of <paramref name="frame"/>; false when the client takes none of it within the idle timeout.</summary>
    private async Task<bool> SendAsync(Socket client, ReadOnlyMemory<byte> frame, CancellationToken ct)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
        idle.CancelAfter(_idleTimeout);
        try
        {
            while (frame.Length > 0)
                frame = frame[await client.SendAsync(frame, SocketFlags.None, idle.Token).ConfigureAwait(false)..];
            return true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            AgentMetrics.DnsTcpClosed.WithLabels("idle").Inc();
            return false;
        }
    }

    private async Task<int> AnswerAsync(ReadOnlyMemory<byte> query, Memory<byte> response, CancellationToken ct)
    {
        var length = DnsResponder.Respond(query.Span, response.Span, _zone(), _upstream is not null, out var parsed, out var code, tcp: true);
        if (length > 0)
        {
            AgentMetrics.DnsAnswered(code).Inc();
            return length;
        }
        if (length == 0)
        {
            AgentMetrics.DnsDropped.Inc();
            return 0;
        }
        if (!_upstream!.TryEnter())
        {
            AgentMetrics.DnsAnswered(DnsWire.ServFail).Inc();
            return DnsResponseWriter.Write(response.Span, query.Span, parsed!, new DnsAnswer(DnsWire.ServFail, []), authoritative: false, recursionAvailable: true, tcp: true);
        }
        try
        {
            return await _upstream.ExchangeAsync(query, parsed!, response, tcp: true, ct).ConfigureAwait(false);
        }
        finally
        {
            _upstream.Leave();
        }
    }
}
