using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Drover.Api;
using Drover.Ingress.Testing;
using Drover.Testing;

namespace Drover.Ingress.Proxy.Tests;

using Ingress = Drover.Api.Ingress;

/// <summary>
/// The real drover-ingress process, fed by a real droverd, in front of real Kestrel backends listening on a
/// bridge address of the test's own (Endpoints may not name loopback). Every test has its own namespace and
/// hosts, so they share one ingress.
/// </summary>
[Trait("Category", "Process")]
public sealed class IngressRoutingTests(IngressFixture fixture) : IClassFixture<IngressFixture>, IAsyncLifetime
{
    private readonly List<TestBackend> _backends = [];
    private readonly string _ns = "t-" + Guid.NewGuid().ToString("N")[..10];
    private string BackendIp => fixture.Bridge.Address.ToString();
    private Uri Http(string host, string path) => new($"http://{host}:{fixture.Ingress.HttpPort}{path}");

    public async Task InitializeAsync() =>
        await fixture.Admin.CreateAsync(ResourceTypes.Namespaces, new Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new ObjectMeta { Name = _ns } });

    public async Task DisposeAsync()
    {
        foreach (var backend in _backends)
            await backend.DisposeAsync();
    }

    private async Task<TestBackend> BackendAsync(string name)
    {
        var backend = await TestBackend.StartAsync(name, fixture.Bridge.Address);
        _backends.Add(backend);
        return backend;
    }

    /// <summary>A Service "name" (port 80) whose Endpoints are the given backends (all ready).</summary>
    private async Task ServiceAsync(string name, params TestBackend[] ready)
    {
        await fixture.Admin.CreateAsync(ResourceTypes.Services, Objects.Service(_ns, name));
        await SetEndpointsAsync(name, ready);
    }

    private async Task SetEndpointsAsync(string name, TestBackend[] ready, TestBackend[]? notReady = null)
    {
        // One subset per backend: each listens on its own port.
        var subsets = ready.Select(b => (b, true)).Concat((notReady ?? []).Select(b => (b, false))).Select(e => new EndpointSubset
        {
            Addresses = e.Item2 ? [new EndpointAddress { Ip = BackendIp }] : null,
            NotReadyAddresses = e.Item2 ? null : [new EndpointAddress { Ip = BackendIp }],
            Ports = [new EndpointPort { Port = e.b.Port, Protocol = "TCP" }],
        }).ToList();
        var endpoints = new Endpoints { ApiVersion = "v1", Kind = "Endpoints", Metadata = new ObjectMeta { Name = name, Namespace = _ns }, Subsets = subsets.Count == 0 ? null : subsets };
        var existing = await fixture.Admin.TryGetAsync(ResourceTypes.Endpoints, _ns, name);
        if (existing is null)
            await fixture.Admin.CreateAsync(ResourceTypes.Endpoints, endpoints);
        else
            await fixture.Admin.UpdateAsync(ResourceTypes.Endpoints, endpoints with { Metadata = endpoints.Metadata with { ResourceVersion = existing.Metadata.ResourceVersion } });
    }

    private string Host(string label) => $"{label}.{_ns}.example.com";

    private static async Task<(HttpStatusCode Code, string Body)> GetAsync(HttpClient client, Uri url)
    {
        using var response = await client.GetAsync(url);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task WaitRoutedAsync(HttpClient client, Uri url, string backendName) =>
        await IngressHttp.EventuallyAsync(async () => (await GetAsync(client, url)).Body.StartsWith($"backend={backendName} ", StringComparison.Ordinal), TimeSpan.FromSeconds(10), $"{url} served by {backendName}");

    [Fact]
    public async Task Request_HostAndPathRules_RouteToTheMatchingServiceElse404()
    {
        var users = await BackendAsync("users");
        var orders = await BackendAsync("orders");
        await ServiceAsync("user-service", users);
        await ServiceAsync("order-service", orders);
        var host = Host("api");
        await fixture.Admin.CreateAsync(ResourceTypes.Ingresses, Objects.Ingress(_ns, "my-ingress", host, Objects.Path("/users", "user-service"), Objects.Path("/orders", "order-service")));
        using var client = IngressHttp.Client(fixture.Ingress.HttpPort);

        await WaitRoutedAsync(client, Http(host, "/users"), "users");

        Assert.StartsWith("backend=users path=/users/7?x=1 ", (await GetAsync(client, Http(host, "/users/7?x=1"))).Body, StringComparison.Ordinal);
        Assert.StartsWith("backend=orders path=/orders ", (await GetAsync(client, Http(host, "/orders"))).Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(client, Http(host, "/usersx"))).Code);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(client, Http(Host("nobody"), "/users"))).Code);
    }

    [Fact]
    public async Task Request_Forwarded_HostPreservedAndXForwardedHeadersSet()
    {
        var web = await BackendAsync("web");
        await ServiceAsync("web", web);
        var host = Host("headers");
        await fixture.Admin.CreateAsync(ResourceTypes.Ingresses, Objects.Ingress(_ns, "web", host, Objects.Path("/", "web")));
        using var client = IngressHttp.Client(fixture.Ingress.HttpPort);
        await WaitRoutedAsync(client, Http(host, "/"), "web");

        using var request = new HttpRequestMessage(HttpMethod.Get, Http(host, "/h"));
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "6.6.6.6");   // a client may not claim an address
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Contains($"host={host}:{fixture.Ingress.HttpPort}", body, StringComparison.Ordinal);
        Assert.Contains("xff=127.0.0.1 ", body, StringComparison.Ordinal);
        Assert.Contains("proto=http ", body, StringComparison.Ordinal);
        Assert.Contains($"xfh={host}:{fixture.Ingress.HttpPort}", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_NoReadyEndpoint_503NamingTheService()
    {
        var web = await BackendAsync("web");
        await fixture.Admin.CreateAsync(ResourceTypes.Services, Objects.Service(_ns, "web"));
        await SetEndpointsAsync("web", [], notReady: [web]);
        var host = Host("down");
        await fixture.Admin.CreateAsync(ResourceTypes.Ingresses, Objects.Ingress(_ns, "web", host, Objects.Path("/", "web")));
        using var client = IngressHttp.Client(fixture.Ingress.HttpPort);

        await IngressHttp.EventuallyAsync(async () => (await GetAsync(client, Http(host, "/"))).Code == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(10), "503");
        var (_, body) = await GetAsync(client, Http(host, "/"));

        Assert.Contains($"service {_ns}/web (port 80) has no ready endpoint", body, StringComparison.Ordinal);
        Assert.Equal(0, web.Requests);
    }

    [Fact]
    public async Task Scale_EndpointAddedThenRemoved_ReflectedWithinOneSecond()
    {
        var a = await BackendAsync("a");
        var b = await BackendAsync("b");
        await ServiceAsync("web", a);
        var host = Host("scale");
        await fixture.Admin.CreateAsync(ResourceTypes.Ingresses, Objects.Ingress(_ns, "web", host, Objects.Path("/", "web")));
        using var client = IngressHttp.Client(fixture.Ingress.HttpPort);
        await WaitRoutedAsync(client, Http(host, "/"), "a");

        var clock = Stopwatch.StartNew();
        await SetEndpointsAsync("web", [a, b]);
        await WaitRoutedAsync(client, Http(host, "/"), "b");
        var added = clock.Elapsed;

        clock.Restart();
        await SetEndpointsAsync("web", [b]);
        await IngressHttp.EventuallyAsync(async () =>
        {
            var before = a.Requests;
            for (var i = 0; i < 4; i++)
                await GetAsync(client, Http(host, "/"));
            return a.Requests == before;
        }, TimeSpan.FromSeconds(10), "a out of rotation");
        var removed = clock.Elapsed;
        var afterRemoval = a.Requests;
        for (var i = 0; i < 20; i++)
            Assert.StartsWith("backend=b ", (await GetAsync(client, Http(host, "/"))).Body, StringComparison.Ordinal);

        Assert.Equal(afterRemoval, a.Requests);
        Assert.True(added < TimeSpan.FromSeconds(1), $"a new endpoint took {added.TotalMilliseconds} ms to get traffic");
        Assert.True(removed < TimeSpan.FromSeconds(1), $"a removed endpoint kept getting traffic for {removed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task PassiveHealth_EndpointThatRefusesConnections_RetriedElsewhereAndTakenOut()
    {
        var dead = await BackendAsync("dead");
        var alive = await BackendAsync("alive");
        await ServiceAsync("web", dead, alive);
        var host = Host("passive");
        await fixture.Admin.CreateAsync(ResourceTypes.Ingresses, Objects.Ingress(_ns, "web", host, Objects.Path("/", "web")));
        using var client = IngressHttp.Client(fixture.Ingress.HttpPort);
        await WaitRoutedAsync(client, Http(host, "/"), "dead");
        _backends.Remove(dead);
        await dead.DisposeAsync();   // still listed as ready: the pod died before its Endpoints caught up

        for (var i = 0; i < 20; i++)
        {
            var (code, body) = await GetAsync(client, Http(host, "/"));
            Assert.Equal(HttpStatusCode.OK, code);
            Assert.StartsWith("backend=alive ", body, StringComparison.Ordinal);
        }
        using var metrics = new HttpClient();
        var text = await metrics.GetStringAsync(new Uri($"http://127.0.0.1:{fixture.Ingress.MetricsPort}/metrics"));
        // One refused connection takes the address out for the fail timeout (2 s here), not one per request.
        Assert.Contains("drover_ingress_upstream_failures_total{kind=\"Request\"}", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PassiveHealth_EndpointGoneSilent_PooledAndNewConnectionsRetriedElsewhere()
    {
        var silent = await BackendAsync("silent");
        var alive = await BackendAsync("alive");
        await ServiceAsync("web", silent, alive);
        var host = Host("silent");
        await fixture.Admin.CreateAsync(ResourceTypes.Ingresses, Objects.Ingress(_ns, "web", host, Objects.Path("/", "web")));
        using var client = IngressHttp.Client(fixture.Ingress.HttpPort);
        // Longer than the ingress's unacknowledged timeout (2 s), far shorter than its upstream timeout (60 s), which
        // a request caught on a dead keep-alive connection used to wait out.
        client.Timeout = TimeSpan.FromSeconds(30);
        await WaitRoutedAsync(client, Http(host, "/"), "silent");   // the ingress now holds a keep-alive connection to it
        var served = silent.Requests;

        // Its node's network is cut: the endpoint is still listed as ready (probes have not failed yet), the pooled
        // connection stays open in silence, new connects get no answer. Over more than the fail timeout (2 s here) both
        // the pooled connection and a fresh connect are tried; every request is answered by the other endpoint.
        using var cut = SilencedPort.Start(fixture.Bridge.Address, silent.Port);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(7))
        {
            var (code, body) = await GetAsync(client, Http(host, "/"));
            Assert.Equal(HttpStatusCode.OK, code);
            Assert.StartsWith("backend=alive ", body, StringComparison.Ordinal);
            await Task.Delay(200);
        }
        Assert.Equal(served, silent.Requests);
    }

    [Theory]
    [InlineData("/held")]         // the pod has the request and has not answered yet
    [InlineData("/stall?held=1")] // the pod's headers came, its body has not: still nothing reached the client
    public async Task PassiveHealth_PathCutWhileAnswerAwaited_RequestRetriedElsewhereBeforeUpstreamTimeout(string path)
    {
        var silent = await BackendAsync("silent");
        var alive = await BackendAsync("alive");
        // The endpoint about to be cut holds its answer until the test is done, the other answers at once: with a
        // fixed think time (3 s) a loaded machine could let the answer out before the test had cut the path.
        alive.ReleaseHeld();
        await ServiceAsync("web", silent, alive);
        var host = Host("inflight-" + (path.StartsWith("/stall", StringComparison.Ordinal) ? "stall" : "held"));
        await fixture.Admin.CreateAsync(ResourceTypes.Ingresses, Objects.Ingress(_ns, "web", host, Objects.Path("/", "web")));
        using var client = IngressHttp.Client(fixture.Ingress.HttpPort);
        // Far shorter than the ingress's upstream timeout (60 s), which a request whose bytes the pod had acknowledged
        // before its network was cut used to wait out; far longer than detection (2 s) plus the retry's answer.
        client.Timeout = TimeSpan.FromSeconds(30);
        await WaitRoutedAsync(client, Http(host, "/"), "alive");

        // A held request until one is on its way at the endpoint about to be cut (round-robin: the first or the second).
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                Assert.True(attempt < 10, "no held request reached the silent endpoint");
                var before = silent.Requests;
                var request = GetAsync(client, Http(host, path));
                await IngressHttp.EventuallyAsync(() => Task.FromResult(request.IsCompleted || silent.Requests > before), TimeSpan.FromSeconds(20), "the held request answered or at the silent endpoint");
                if (silent.Requests == before)
                {
                    await request;
                    continue;
                }
                // The pod has the whole request and waits; once its kernel's delayed acknowledgement is surely out (40 ms
                // at most), nothing sent is unacknowledged. Now its node goes silent.
                await Task.Delay(300);
                using var cut = SilencedPort.Start(fixture.Bridge.Address, silent.Port);
                var (code, body) = await request;
                Assert.Equal(HttpStatusCode.OK, code);
                Assert.StartsWith($"backend=alive path={path}", body, StringComparison.Ordinal);
                return;
            }
        }
        finally
        {
            // Its answer goes nowhere now; released, the backend can stop without waiting for the request.
            silent.ReleaseHeld();
        }
    }

    [Fact]
    public async Task KeepAlive_ConnectionsSurviveManyReloads()
    {
        var a = await BackendAsync("a");
        var b = await BackendAsync("b");
        await ServiceAsync("web", a);
        var host = Host("keepalive");
        await fixture.Admin.CreateAsync(ResourceTypes.Ingresses, Objects.Ingress(_ns, "web", host, Objects.Path("/", "web")));
        var connections = 0;
        using var client = IngressHttp.Client(fixture.Ingress.HttpPort, () => Interlocked.Increment(ref connections));
        await WaitRoutedAsync(client, Http(host, "/"), "a");

        using var stop = new CancellationTokenSource();
        var failures = 0;
        var served = 0;
        var load = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var (code, _) = await GetAsync(client, Http(host, "/slow?ms=5"));
                if (code == HttpStatusCode.OK)
                    Interlocked.Increment(ref served);
                else
                    Interlocked.Increment(ref failures);
            }
        });
        for (var i = 0; i < 10; i++)
        {
            await SetEndpointsAsync("web", i % 2 == 0 ? [a, b] : [b]);
            await Task.Delay(100);
        }
        await stop.CancelAsync();
        await load;

        Assert.Equal(0, failures);
        Assert.True(served > 20, $"only {served} requests in the reload storm");
        Assert.Equal(1, connections);
    }

    [Fact]
    public async Task Tls_SecretForHost_ChosenBySniAndUpdatedLive()
    {
        var web = await BackendAsync("web");
        await ServiceAsync("web", web);
        var host = Host("secure");
        var (secret, first) = Objects.TlsSecret(_ns, "secure-tls", host);
        await fixture.Admin.CreateAsync(ResourceTypes.Secrets, secret with { Metadata = secret.Metadata with { Uid = null, ResourceVersion = null } });
        var ingress = Objects.Ingress(_ns, "web", host, Objects.Path("/", "web"));
        await fixture.Admin.CreateAsync(ResourceTypes.Ingresses, ingress with { Spec = ingress.Spec with { Tls = [new IngressTls { Hosts = [host], SecretName = "secure-tls" }] } });
        X509Certificate? seen = null;
        Uri Https(string path) => new($"https://{host}:{fixture.Ingress.HttpsPort}{path}");

        async Task<string?> ThumbprintAsync()
        {
            using var client = IngressHttp.Client(fixture.Ingress.HttpsPort, trustAnyCertificate: true, onCertificate: c => seen = c);
            var (code, body) = await GetAsync(client, Https("/tls"));
            return code == HttpStatusCode.OK && body.Contains("proto=https", StringComparison.Ordinal) ? (seen as X509Certificate2 ?? new X509Certificate2(seen!)).Thumbprint : null;
        }

        await IngressHttp.EventuallyAsync(async () => await ThumbprintAsync() == first.Thumbprint, TimeSpan.FromSeconds(10), "the secret's certificate served for its host");

        var (renewed, second) = Objects.TlsSecret(_ns, "secure-tls", host);
        var stored = await fixture.Admin.GetAsync(ResourceTypes.Secrets, _ns, "secure-tls");
        await fixture.Admin.UpdateAsync(ResourceTypes.Secrets, renewed with { Metadata = renewed.Metadata with { Uid = null, ResourceVersion = stored.Metadata.ResourceVersion } });
        await IngressHttp.EventuallyAsync(async () => await ThumbprintAsync() == second.Thumbprint, TimeSpan.FromSeconds(5), "the renewed certificate served");

        // Plain HTTP to a TLS host is redirected (ingress-nginx's default).
        using var plain = IngressHttp.Client(fixture.Ingress.HttpPort);
        using var redirect = await plain.GetAsync(Http(host, "/a?b=c"));
        Assert.Equal(HttpStatusCode.PermanentRedirect, redirect.StatusCode);
        Assert.Equal($"https://{host}:{fixture.Ingress.HttpsPort}/a?b=c", redirect.Headers.Location!.ToString());
    }

    [Fact]
    public async Task WebSocket_ThroughIngress_EchoesMessages()
    {
        var web = await BackendAsync("web");
        await ServiceAsync("web", web);
        var host = Host("ws");
        await fixture.Admin.CreateAsync(ResourceTypes.Ingresses, Objects.Ingress(_ns, "web", host, Objects.Path("/", "web")));
        using var client = IngressHttp.Client(fixture.Ingress.HttpPort);
        await WaitRoutedAsync(client, Http(host, "/"), "web");

        using var socket = new ClientWebSocket();
        using var invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var s = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                await s.ConnectAsync(IPAddress.Loopback, fixture.Ingress.HttpPort, ct);
                return new System.Net.Sockets.NetworkStream(s, ownsSocket: true);
            },
        });
        await socket.ConnectAsync(new Uri($"ws://{host}:{fixture.Ingress.HttpPort}/ws"), invoker, CancellationToken.None);
        var buffer = new byte[1024];
        foreach (var message in new[] { "hello", "through the ingress" })
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, true, CancellationToken.None);
            var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
            Assert.Equal(message, Encoding.UTF8.GetString(buffer, 0, received.Count));
        }
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
    }

    [Fact]
    public async Task StreamedBody_LargeUpload_EchoedIntact()
    {
        var web = await BackendAsync("web");
        await ServiceAsync("web", web);
        var host = Host("stream");
        await fixture.Admin.CreateAsync(ResourceTypes.Ingresses, Objects.Ingress(_ns, "web", host, Objects.Path("/", "web")));
        using var client = IngressHttp.Client(fixture.Ingress.HttpPort);
        // 8 MB each way through a Debug build: 20 s was not enough once on a machine at load 38.
        client.Timeout = TimeSpan.FromSeconds(90);
        await WaitRoutedAsync(client, Http(host, "/"), "web");
        var payload = RandomNumberGenerator.GetBytes(8 * 1024 * 1024);

        using var content = new StreamContent(new MemoryStream(payload));   // no Content-Length: chunked
        using var response = await client.PostAsync(Http(host, "/echo"), content);
        var echoed = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(payload.AsSpan().SequenceEqual(echoed), $"echoed {echoed.Length} bytes of {payload.Length}");
    }

    [Fact]
    public async Task Status_ServedIngress_GetsThePublishAddress()
    {
        await fixture.Admin.CreateAsync(ResourceTypes.Ingresses, Objects.Ingress(_ns, "web", Host("status"), Objects.Path("/", "web")));

        await IngressHttp.EventuallyAsync(async () =>
            (await fixture.Admin.GetAsync(ResourceTypes.Ingresses, _ns, "web"))?.Status?.LoadBalancer?.Ingress is [{ Ip: "127.0.0.1" }],
            TimeSpan.FromSeconds(10), "status.loadBalancer.ingress[0].ip");
    }

    [Fact]
    public async Task IngressClass_Other_IsNotServed()
    {
        var web = await BackendAsync("web");
        await ServiceAsync("web", web);
        var host = Host("other-class");
        var ingress = Objects.Ingress(_ns, "web", host, Objects.Path("/", "web"));
        await fixture.Admin.CreateAsync(ResourceTypes.Ingresses, ingress with { Spec = ingress.Spec with { IngressClassName = "nginx" } });
        var served = Objects.Ingress(_ns, "marker", Host("marker"), Objects.Path("/", "web"));
        await fixture.Admin.CreateAsync(ResourceTypes.Ingresses, served);
        using var client = IngressHttp.Client(fixture.Ingress.HttpPort);
        await WaitRoutedAsync(client, Http(Host("marker"), "/"), "web");   // both are in the snapshot by now

        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(client, Http(host, "/"))).Code);
        Assert.Null((await fixture.Admin.GetAsync(ResourceTypes.Ingresses, _ns, "web"))?.Status?.LoadBalancer);
    }

    [Fact]
    public async Task Metrics_AfterRequests_CountsByIngressServiceAndCode()
    {
        var web = await BackendAsync("web");
        await ServiceAsync("web", web);
        var host = Host("metrics");
        await fixture.Admin.CreateAsync(ResourceTypes.Ingresses, Objects.Ingress(_ns, "web", host, Objects.Path("/", "web")));
        using var client = IngressHttp.Client(fixture.Ingress.HttpPort);
        await WaitRoutedAsync(client, Http(host, "/"), "web");

        using var metrics = new HttpClient();
        var text = await metrics.GetStringAsync(new Uri($"http://127.0.0.1:{fixture.Ingress.MetricsPort}/metrics"));

        Assert.Contains($"drover_ingress_requests_total{{ingress=\"{_ns}/web\",service=\"{_ns}/web\",code=\"200\"}}", text, StringComparison.Ordinal);
        Assert.Contains($"drover_ingress_upstream_duration_seconds_count{{ingress=\"{_ns}/web\",service=\"{_ns}/web\"}}", text, StringComparison.Ordinal);
        Assert.Contains("process_working_set_bytes", text, StringComparison.Ordinal);
    }
}
