using System.Net;
using Drover.Agent.Discovery;
using Drover.Api;
using Drover.Api.Client;
using Drover.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Drover.Agent.ClusterDns.Tests;

/// <summary>
/// The resolver against a real droverd, asked by a real client (dig, from Debian's bind9-dnsutils) on loopback: no
/// network namespace or fixed port, so no machine-wide lock. The "upstream" is a second resolver of ours for
/// example.org on another loopback port, so forwarding is proved without a query leaving the machine.
/// </summary>
[Trait("Category", "Process")]
public sealed class ClusterDnsServerTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _running = [];
    private DroverdProcess? _droverd;

    public async Task InitializeAsync() => _droverd = await DroverdProcess.StartAsync();

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_running);
        _stop.Dispose();
        if (_droverd is not null)
            await _droverd.DisposeAsync();
    }

    [Fact]
    public async Task Dig_ServiceNames_AnsweredFromDroverd_ForwardedOthers_AndStillAnsweredWithDroverdDown()
    {
        var admin = _droverd!.Client();
        var ns = "dns-" + Guid.NewGuid().ToString("N")[..6];
        await admin.CreateAsync(ResourceTypes.Namespaces, new Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new ObjectMeta { Name = ns } });
        var web = await admin.CreateAsync(ResourceTypes.Services, new Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new ObjectMeta { Name = "web", Namespace = ns },
            Spec = new ServiceSpec { Ports = [new ServicePort { Name = "http", Port = 80, TargetPort = new IntOrString(3000) }] },
        });
        await admin.CreateAsync(ResourceTypes.Services, new Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new ObjectMeta { Name = "db", Namespace = ns },
            Spec = new ServiceSpec { ClusterIP = "None", Ports = [new ServicePort { Name = "sql", Port = 5432 }] },
        });
        await admin.CreateAsync(ResourceTypes.EndpointSlices, new EndpointSlice
        {
            ApiVersion = "discovery.k8s.io/v1",
            Kind = "EndpointSlice",
            Metadata = new ObjectMeta { Name = "db-1", Namespace = ns, Labels = new() { ["kubernetes.io/service-name"] = "db" } },
            AddressType = "IPv4",
            Ports = [new EndpointSlicePort { Name = "sql", Port = 5432, Protocol = "TCP" }],
            Endpoints =
            [
                new SliceEndpoint { Addresses = ["10.42.9.5"], Conditions = new EndpointConditions { Ready = true } },
                new SliceEndpoint { Addresses = ["10.42.9.6"], Conditions = new EndpointConditions { Ready = false } },
            ],
        });

        var upstream = await StartAsync(admin, "example.org", upstream: null);
        var port = (await StartAsync(admin, "cluster.local", upstream)).Port;
        var fqdn = $"web.{ns}.svc.cluster.local";

        await UntilAsync(() => DigAsync(port, fqdn, "A", "+short"), output => output.Trim() == web.Spec.ClusterIP, $"{fqdn} → {web.Spec.ClusterIP}");
        Assert.Equal($"0 100 80 {fqdn}.", (await DigAsync(port, $"_http._tcp.{fqdn}", "SRV", "+short")).Trim());
        Assert.Equal("10.42.9.5", (await DigAsync(port, $"db.{ns}.svc.cluster.local", "A", "+short")).Trim());
        Assert.Contains("status: NXDOMAIN", await DigAsync(port, $"nothing.{ns}.svc.cluster.local", "A"), StringComparison.Ordinal);
        Assert.Equal("10.42.3.4", (await DigAsync(port, $"10-42-3-4.{ns}.pod.cluster.local", "A", "+short")).Trim());
        // Relayed from the upstream, which is authoritative for example.org.
        var forwarded = await DigAsync(port, "www.example.org", "A");
        Assert.Contains("status: NXDOMAIN", forwarded, StringComparison.Ordinal);
        Assert.Contains(" aa ", forwarded, StringComparison.Ordinal);

        // droverd gone: the last known records are still served.
        await _droverd.StopAsync();
        Assert.Equal(web.Spec.ClusterIP, (await DigAsync(port, fqdn, "A", "+short")).Trim());
    }

    [Fact]
    public async Task Dig_OutsideTheClusterWithoutUpstream_Refused()
    {
        var endpoint = await StartAsync(_droverd!.Client(), "cluster.local", upstream: null);

        Assert.Contains("status: REFUSED", await DigAsync(endpoint.Port, "example.com", "A"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dig_AnswerLargerThanUdp_TruncatedWithTcOverUdp_WholeOverTcp_AndForwardedOverTcp()
    {
        var admin = _droverd!.Client();
        var ns = "dnstcp-" + Guid.NewGuid().ToString("N")[..6];
        await admin.CreateAsync(ResourceTypes.Namespaces, new Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new ObjectMeta { Name = ns } });
        await admin.CreateAsync(ResourceTypes.Services, new Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new ObjectMeta { Name = "many", Namespace = ns },
            Spec = new ServiceSpec { ClusterIP = "None", Ports = [new ServicePort { Name = "sql", Port = 5432 }] },
        });
        // 100 A records take about 1,650 bytes: more than EDNS's 1,232 and far more than classic DNS's 512.
        await admin.CreateAsync(ResourceTypes.EndpointSlices, new EndpointSlice
        {
            ApiVersion = "discovery.k8s.io/v1",
            Kind = "EndpointSlice",
            Metadata = new ObjectMeta { Name = "many-1", Namespace = ns, Labels = new() { ["kubernetes.io/service-name"] = "many" } },
            AddressType = "IPv4",
            Ports = [new EndpointSlicePort { Name = "sql", Port = 5432, Protocol = "TCP" }],
            Endpoints = [.. Enumerable.Range(1, 100).Select(i => new SliceEndpoint { Addresses = [$"10.42.8.{i}"], Conditions = new EndpointConditions { Ready = true } })],
        });
        var upstream = await StartAsync(admin, "example.org", upstream: null);
        var port = (await StartAsync(admin, "cluster.local", upstream)).Port;
        var name = $"many.{ns}.svc.cluster.local";
        static int Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;

        await UntilAsync(() => DigAsync(port, name, "A", "+short", "+tcp"), output => Lines(output) == 100, $"100 addresses for {name} over TCP");
        // UDP without EDNS and without retrying: cut to 512 bytes, TC set.
        var udp = await DigAsync(port, name, "A", "+ignore", "+noedns");
        Assert.Matches(@"flags:[a-z ]* tc[ ;]", udp);
        // dig's default: TC over UDP, so it asks again over TCP and gets them all.
        Assert.Equal(100, Lines(await DigAsync(port, name, "A", "+short")));
        // A name outside the cluster over TCP: relayed to the upstream over TCP.
        var forwarded = await DigAsync(port, "www.example.org", "A", "+tcp");
        Assert.Contains("status: NXDOMAIN", forwarded, StringComparison.Ordinal);
        Assert.Contains(" aa ", forwarded, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tcp_PipelinedQueriesAnsweredInOrder_OversizeIdleAndOverTheClientLimitClosed()
    {
        var admin = _droverd!.Client();
        var (server, endpoint) = await StartServerAsync(admin, "cluster.local", upstream: null, tcpIdleTimeout: null);
        var (_, impatient) = await StartServerAsync(admin, "cluster.local", upstream: null, tcpIdleTimeout: TimeSpan.FromSeconds(1));

        // Two queries in one write: two framed answers, in order.
        using (var client = await ConnectAsync(endpoint))
        {
            byte[] first = DnsPackets.Query("a.default.pod.cluster.local", 1, id: 0x0101), second = DnsPackets.Query("example.com", 1, id: 0x0202);
            await client.SendAsync(Frame(first).Concat(Frame(second)).ToArray());
            Assert.Equal(0x0101, DnsPackets.Read(await ReadFrameAsync(client)).Id);
            var refused = DnsPackets.Read(await ReadFrameAsync(client));
            Assert.Equal((0x0202, 5), (refused.Id, refused.ResponseCode));
        }

        // A length prefix over the query limit: closed before its bytes are read.
        using (var client = await ConnectAsync(endpoint))
        {
            await client.SendAsync(new byte[] { 0x10, 0x00, 0, 0 });
            Assert.Equal(0, await ReceiveOrTimeoutAsync(client));
        }

        // Silent past the idle timeout: closed.
        using (var client = await ConnectAsync(impatient))
            Assert.Equal(0, await ReceiveOrTimeoutAsync(client));

        await UntilAsync(() => Task.FromResult(server.OpenTcpConnections.ToString(System.Globalization.CultureInfo.InvariantCulture)), n => n == "0", "the earlier connections closed on the server");

        // The per-client limit: the connections beyond it are closed at once, those within it are served.
        var held = new List<System.Net.Sockets.Socket>();
        try
        {
            for (var i = 0; i < DnsTcpServer.MaxConnectionsPerClient + 2; i++)
                held.Add(await ConnectAsync(endpoint));
            var closed = 0;
            foreach (var socket in held[DnsTcpServer.MaxConnectionsPerClient..])
                closed += await ReceiveOrTimeoutAsync(socket) == 0 ? 1 : 0;
            Assert.Equal(2, closed);
            await held[0].SendAsync(Frame(DnsPackets.Query("example.com", 1, id: 0x0303)));
            Assert.Equal(0x0303, DnsPackets.Read(await ReadFrameAsync(held[0])).Id);
        }
        finally
        {
            foreach (var socket in held)
                socket.Dispose();
        }
    }

    private static byte[] Frame(byte[] message) => [(byte)(message.Length >> 8), (byte)message.Length, .. message];

    private static async Task<System.Net.Sockets.Socket> ConnectAsync(IPEndPoint endpoint)
    {
        var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await socket.ConnectAsync(endpoint);
        return socket;
    }

    /// <summary>The bytes the server sent before closing (0: it closed); fails when it neither answers nor closes within the bound.</summary>
    private static async Task<int> ReceiveOrTimeoutAsync(System.Net.Sockets.Socket socket)
    {
        using var bound = new CancellationTokenSource(Timeout);
        try
        {
            return await socket.ReceiveAsync(new byte[64], System.Net.Sockets.SocketFlags.None, bound.Token);
        }
        catch (System.Net.Sockets.SocketException e) when (e.SocketErrorCode == System.Net.Sockets.SocketError.ConnectionReset)
        {
            return 0;
        }
    }

    private static async Task<byte[]> ReadFrameAsync(System.Net.Sockets.Socket socket)
    {
        using var bound = new CancellationTokenSource(Timeout);
        var prefix = new byte[2];
        await ReadExactlyAsync(socket, prefix, bound.Token);
        var message = new byte[(prefix[0] << 8) | prefix[1]];
        await ReadExactlyAsync(socket, message, bound.Token);
        return message;
    }

    private static async Task ReadExactlyAsync(System.Net.Sockets.Socket socket, Memory<byte> buffer, CancellationToken ct)
    {
        while (buffer.Length > 0)
        {
            var n = await socket.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None, ct);
            Assert.True(n > 0, "the server closed the connection mid-answer");
            buffer = buffer[n..];
        }
    }

    private async Task<IPEndPoint> StartAsync(DroverClient admin, string domain, IPEndPoint? upstream) =>
        (await StartServerAsync(admin, domain, upstream, tcpIdleTimeout: null)).Endpoint;

    private async Task<(ClusterDnsServer Server, IPEndPoint Endpoint)> StartServerAsync(DroverClient admin, string domain, IPEndPoint? upstream, TimeSpan? tcpIdleTimeout)
    {
        var watch = new ServiceWatch(admin, TimeProvider.System, NullLogger.Instance);
        var server = new ClusterDnsServer(watch, domain, new IPEndPoint(IPAddress.Loopback, 0), upstream, NullLogger.Instance, tcpIdleTimeout);
        _running.Add(watch.RunAsync(_stop.Token));
        _running.Add(server.RunAsync(_stop.Token));
        return (server, await server.Bound.WaitAsync(Timeout));
    }

    private static async Task<string> DigAsync(int port, string name, string type, params string[] extra)
    {
        var result = await ProcessRunner.RunAsync(ProcessRunner.Command("dig", ["@127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "+time=2", "+tries=1", name, type, .. extra]), TimeSpan.FromSeconds(20));
        Assert.True(result.ExitCode == 0, $"dig {name} {type}: {result}");
        return result.Stdout;
    }

    private static async Task UntilAsync(Func<Task<string>> read, Func<string, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            last = await read();
            if (condition(last))
                return;
            await Task.Delay(100);
        }
        throw new TimeoutException($"not within {Timeout.TotalSeconds} s: {what} (last: {last})");
    }
}
