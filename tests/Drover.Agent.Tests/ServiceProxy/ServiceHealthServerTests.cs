using System.Net;
using System.Net.Sockets;
using Drover.Agent.ServiceProxy;
using Drover.Api;
using Drover.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Drover.Agent.ServiceProxy.Tests;

/// <summary>
/// The healthCheckNodePort answers, as kube-proxy gives them: which Services get one and their local endpoint count
/// (<see cref="HealthCheckModel"/>), and the HTTP server on real loopback sockets (<see cref="ServiceHealthServer"/>).
/// </summary>
public sealed class ServiceHealthServerTests
{
    private static Service LoadBalancer(string name, int? healthPort, string policy = "Local", string type = "LoadBalancer") => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "ns" },
        Spec = new ServiceSpec
        {
            Type = type,
            ClusterIP = "10.43.0.10",
            ExternalTrafficPolicy = policy,
            HealthCheckNodePort = healthPort,
            Ports = [new ServicePort { Name = "http", Port = 80, Protocol = "TCP", NodePort = 30080 }],
        },
    };

    private static EndpointSlice Slice(string service, string name, params (string Ip, string Node, bool? Ready, bool? Terminating)[] endpoints) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "ns", Labels = new() { [WellKnownLabels.ServiceName] = service } },
        AddressType = "IPv4",
        Ports = [new EndpointSlicePort { Name = "http", Port = 3000, Protocol = "TCP" }],
        Endpoints = [.. endpoints.Select(e => new SliceEndpoint { Addresses = [e.Ip], NodeName = e.Node, Conditions = new EndpointConditions { Ready = e.Ready, Terminating = e.Terminating } })],
    };

    [Fact]
    public void Build_LocalLoadBalancers_CountReadyDistinctAddressesOnThisNodeOnly()
    {
        var targets = HealthCheckModel.Build(
            [LoadBalancer("web", 32000), LoadBalancer("idle", 32001), LoadBalancer("cluster", 32002, policy: "Cluster"), LoadBalancer("nodeport", 32003, type: "NodePort"), LoadBalancer("none", null)],
            [
                Slice("web", "web-a", ("10.42.0.5", "node-a", true, false), ("10.42.0.6", "node-a", null, null), ("10.42.0.7", "node-a", false, false), ("10.42.0.8", "node-a", true, true), ("10.42.1.5", "node-b", true, false)),
                // The same address in a second slice (another port of the Service) counts once, as kube-proxy counts.
                Slice("web", "web-b", ("10.42.0.5", "node-a", true, false)),
                Slice("idle", "idle-a", ("10.42.1.6", "node-b", true, false)),
                Slice("cluster", "cluster-a", ("10.42.0.9", "node-a", true, false)),
            ],
            "node-a");

        Assert.Equal([32000, 32001], targets.Keys.Order());
        Assert.Equal(new HealthCheckTarget("ns", "web", 2), targets[32000]);
        Assert.Equal(new HealthCheckTarget("ns", "idle", 0), targets[32001]);
    }

    [Fact]
    public async Task Sync_LocalEndpointsThenNoneThenGone_200Then503ThenClosed()
    {
        var port = FreePorts.Next();
        var healthy = true;
        await using var server = new ServiceHealthServer(IPAddress.Loopback, () => healthy, NullLogger.Instance);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var url = $"http://127.0.0.1:{port}/healthz";

        server.Sync(new Dictionary<int, HealthCheckTarget> { [port] = new("ns", "web", 2) });
        using (var ok = await http.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("application/json", ok.Content.Headers.ContentType?.MediaType);
            Assert.Equal("2", Assert.Single(ok.Headers.GetValues("X-Load-Balancing-Endpoint-Weight")));
            Assert.Equal("nosniff", Assert.Single(ok.Headers.GetValues("X-Content-Type-Options")));
            // kube-proxy's body, byte for byte.
            Assert.Equal("{\n\t\"service\": {\n\t\t\"namespace\": \"ns\",\n\t\t\"name\": \"web\"\n\t},\n\t\"localEndpoints\": 2,\n\t\"serviceProxyHealthy\": true\n}", await ok.Content.ReadAsStringAsync());
        }

        server.Sync(new Dictionary<int, HealthCheckTarget> { [port] = new("ns", "web", 0) });
        using (var none = await http.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, none.StatusCode);
            Assert.Contains("\"localEndpoints\": 0,", await none.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Endpoints, but the proxy's rules are not in the kernel (a failed sync): 503, as kube-proxy when unhealthy.
        server.Sync(new Dictionary<int, HealthCheckTarget> { [port] = new("ns", "web", 1) });
        healthy = false;
        using (var stale = await http.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, stale.StatusCode);
            Assert.Contains("\"serviceProxyHealthy\": false", await stale.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        server.Sync(new Dictionary<int, HealthCheckTarget>());
        Assert.Empty(server.Ports);
        // Refused, or (when the listener closes during the connect) reset as HttpClient reads the peer's address.
        var closed = await Assert.ThrowsAnyAsync<Exception>(() => http.GetAsync(url));
        Assert.True(closed is HttpRequestException or System.Net.Sockets.SocketException, closed.ToString());
    }

    [Fact]
    public async Task Sync_PortTakenByAnotherProgram_SkippedThenListensOnceFree()
    {
        using var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        var port = ((IPEndPoint)other.LocalEndpoint).Port;
        await using var server = new ServiceHealthServer(IPAddress.Loopback, () => true, NullLogger.Instance);
        var targets = new Dictionary<int, HealthCheckTarget> { [port] = new("ns", "web", 1) };

        server.Sync(targets);
        Assert.Empty(server.Ports);

        other.Stop();
        server.Sync(targets);
        Assert.Equal([port], server.Ports);
    }

    [Fact]
    public async Task Request_MalformedLine_400NamingItAndTheServerKeepsAnswering()
    {
        var port = FreePorts.Next();
        await using var server = new ServiceHealthServer(IPAddress.Loopback, () => true, NullLogger.Instance);
        server.Sync(new Dictionary<int, HealthCheckTarget> { [port] = new("ns", "web", 1) });

        using (var client = new TcpClient())
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            var stream = client.GetStream();
            await stream.WriteAsync("NOT-HTTP\r\n\r\n"u8.ToArray());
            using var reader = new StreamReader(stream);
            var answer = await reader.ReadToEndAsync();
            Assert.StartsWith("HTTP/1.1 400 ", answer, StringComparison.Ordinal);
            Assert.Contains("malformed request line", answer, StringComparison.Ordinal);
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var ok = await http.GetAsync($"http://127.0.0.1:{port}/");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }
}
