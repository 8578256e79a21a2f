using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Drover.Agent.Metrics;

namespace Drover.Agent.ClusterDns;

/// <summary>
/// The node's own resolver that names outside the cluster domain are relayed to: over UDP for a UDP client and over
/// TCP for a TCP one (so a large upstream answer reaches a TCP client whole), with a fixed number of exchanges in
/// flight (the caller answers SERVFAIL when none is free) and a timeout, after which the client gets SERVFAIL.
/// </summary>
internal sealed class DnsUpstream(IPEndPoint endpoint)
{
    public const int MaxInFlight = 64;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    private readonly SemaphoreSlim _slots = new(MaxInFlight, MaxInFlight);

    public IPEndPoint Endpoint { get; } = endpoint ?? throw new ArgumentNullException(nameof(endpoint));

    /// <summary>Takes one of the exchange slots; false when all are in use.</summary>
    public bool TryEnter() => _slots.Wait(0);

    public void Leave() => _slots.Release();

    /// <summary>The upstream's answer to <paramref name="query"/> in <paramref name="answer"/>, or SERVFAIL when it gives none in time; returns the length.</summary>
    public async Task<int> ExchangeAsync(ReadOnlyMemory<byte> query, DnsQuery parsed, Memory<byte> answer, bool tcp, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        try
        {
            var length = tcp ? await OverTcpAsync(query, answer, timeout.Token).ConfigureAwait(false) : await OverUdpAsync(query, answer, timeout.Token).ConfigureAwait(false);
            AgentMetrics.DnsForwarded.Inc();
            return length;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or InvalidDataException && !ct.IsCancellationRequested)
        {
            AgentMetrics.DnsAnswered(DnsWire.ServFail).Inc();
            return DnsResponseWriter.Write(answer.Span, query.Span, parsed, new DnsAnswer(DnsWire.ServFail, []), authoritative: false, recursionAvailable: true, tcp);
        }
    }

    private async Task<int> OverUdpAsync(ReadOnlyMemory<byte> query, Memory<byte> answer, CancellationToken ct)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        await socket.ConnectAsync(Endpoint, ct).ConfigureAwait(false);
        await socket.SendAsync(query, SocketFlags.None, ct).ConfigureAwait(false);
        return await socket.ReceiveAsync(answer[..Math.Min(answer.Length, DnsWire.MaxUdpBytes)], SocketFlags.None, ct).ConfigureAwait(false);
    }

    private async Task<int> OverTcpAsync(ReadOnlyMemory<byte> query, Memory<byte> answer, CancellationToken ct)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(Endpoint, ct).ConfigureAwait(false);
        var frame = new byte[DnsWire.TcpLengthBytes + query.Length];
        DnsTcpFraming.WritePrefix(frame, query.Length);
        query.CopyTo(frame.AsMemory(DnsWire.TcpLengthBytes));
        await socket.SendAsync(frame, SocketFlags.None, ct).ConfigureAwait(false);
        var prefix = new byte[DnsWire.TcpLengthBytes];
        await ReceiveExactlyAsync(socket, prefix, ct).ConfigureAwait(false);
        var length = BinaryPrimitives.ReadUInt16BigEndian(prefix);
        if (length > answer.Length || length < DnsWire.HeaderBytes)
            throw new InvalidDataException($"upstream answer of {length} bytes");
        await ReceiveExactlyAsync(socket, answer[..length], ct).ConfigureAwait(false);
        return length;
    }

    private static async Task ReceiveExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken ct)
    {
        while (buffer.Length > 0)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, ct).ConfigureAwait(false);
            if (n == 0)
                throw new InvalidDataException("upstream closed the connection mid-answer");
            buffer = buffer[n..];
        }
    }
}
