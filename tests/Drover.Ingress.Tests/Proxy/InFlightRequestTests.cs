using System.Net;
using System.Net.Sockets;
using Drover.Api;
using Drover.Ingress.Testing;
using Drover.Testing;

namespace Drover.Ingress.Proxy.Tests;

/// <summary>
/// Requests already in flight when the configuration changes or drover-ingress is stopped: a reload that
/// takes their endpoint out must not touch them (only new requests go elsewhere), and SIGTERM lets them
/// finish before the process exits, longer than System.CommandLine's 2 s termination timeout included.
/// </summary>
[Trait("Category", "Process")]
public sealed class InFlightRequestTests(IngressFixture fixture) : IClassFixture<IngressFixture>, IAsyncLifetime
{
    private readonly string _ns = "t-" + Guid.NewGuid().ToString("N")[..10];
    private readonly List<TestBackend> _backends = [];

    public async Task InitializeAsync() =>
        await fixture.Admin.CreateAsync(ResourceTypes.Namespaces, new Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new ObjectMeta { Name = _ns } });

    public async Task DisposeAsync()
    {
        foreach (var backend in _backends)
            await backend.DisposeAsync();
    }

    [Fact]
    public async Task Reload_EndpointOfARunningRequestRemoved_RequestCompletesOnTheSameConnection()
    {
        var (a, b) = (await BackendAsync("a"), await BackendAsync("b"));
        var host = await ServeAsync("reload", a);
        var connections = 0;
        using var slowClient = IngressHttp.Client(fixture.Ingress.HttpPort, () => Interlocked.Increment(ref connections));
        using var client = IngressHttp.Client(fixture.Ingress.HttpPort);
        await IngressHttp.EventuallyAsync(async () => (await BodyAsync(client, Url(host, "/"))).StartsWith("backend=a ", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "a serving");

        // a holds the request until the reload is in (a fixed delay at a raced the reload on a loaded machine).
        var before = a.Requests;
        var held = slowClient.GetAsync(Url(host, "/held"));
        await IngressHttp.EventuallyAsync(() => Task.FromResult(a.Requests > before), TimeSpan.FromSeconds(30), "the held request at a");
        await fixture.Admin.UpdateAsync(ResourceTypes.Endpoints, await EndpointsAsync("web", b));
        // The reload is in: new requests go to b while the held one still runs at a.
        await IngressHttp.EventuallyAsync(async () => (await BodyAsync(client, Url(host, "/"))).StartsWith("backend=b ", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "b serving after the reload");
        Assert.False(held.IsCompleted, "the held request finished before the reload; the test proved nothing");
        a.ReleaseHeld();

        using var response = await held;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("backend=a path=/held ", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // Keep-alive on the client's side: the connection the slow request used serves the next one.
        Assert.StartsWith("backend=b ", await slowClient.GetStringAsync(Url(host, "/")), StringComparison.Ordinal);
        Assert.Equal(1, connections);
    }

    [Fact]
    public async Task Shutdown_SigtermWithRequestsInFlight_TheyCompleteThenTheProcessExits()
    {
        var a = await BackendAsync("a");
        var host = await ServeAsync("shutdown", a);
        // An ingress of this test's own: the class's shared one serves the other test.
        await using var ingress = await IngressProcess.StartAsync(fixture.Server.IngressConfigPath);
        using var client = IngressHttp.Client(ingress.HttpPort);
        var url = new Uri($"http://{host}:{ingress.HttpPort}/slow?ms=3000");
        await IngressHttp.EventuallyAsync(async () => (await BodyAsync(client, new Uri($"http://{host}:{ingress.HttpPort}/"))).StartsWith("backend=a ", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "a serving");

        var before = a.Requests;
        var inFlight = Enumerable.Range(0, 3).Select(_ => client.GetAsync(url)).ToList();
        await IngressHttp.EventuallyAsync(() => Task.FromResult(a.Requests >= before + 3), TimeSpan.FromSeconds(30), "3 slow requests at a");
        var stopping = ingress.StopAsync();

        // Three seconds is longer than System.CommandLine's termination timeout (2 s): the host's own graceful
        // shutdown (10 s) must be the one that decides.
        foreach (var request in inFlight)
        {
            using var response = await request;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("backend=a path=/slow?ms=3000 ", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        await stopping;
        Assert.True(ingress.HasExited);
        Assert.True(ingress.ExitCode == 0, $"drover-ingress exited with {ingress.ExitCode}:\n{ingress.Output}");
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await Assert.ThrowsAsync<SocketException>(async () => await socket.ConnectAsync(IPAddress.Loopback, ingress.HttpPort));
    }

    /// <summary>The body whatever the status: a 404 before the ingress has loaded the rule is a "not yet".</summary>
    private static async Task<string> BodyAsync(HttpClient client, Uri url)
    {
        using var response = await client.GetAsync(url);
        return await response.Content.ReadAsStringAsync();
    }

    private Uri Url(string host, string path) => new($"http://{host}:{fixture.Ingress.HttpPort}{path}");

    private async Task<TestBackend> BackendAsync(string name)
    {
        var backend = await TestBackend.StartAsync(name, fixture.Bridge.Address);
        _backends.Add(backend);
        return backend;
    }

    /// <summary>Service "web" backed by <paramref name="backend"/>, and an Ingress for host LABEL.NS.example.com; returns the host.</summary>
    private async Task<string> ServeAsync(string label, TestBackend backend)
    {
        var host = $"{label}.{_ns}.example.com";
        await fixture.Admin.CreateAsync(ResourceTypes.Services, Objects.Service(_ns, "web"));
        await fixture.Admin.CreateAsync(ResourceTypes.Endpoints, Objects.Endpoints(_ns, "web", backend.Port, [fixture.Bridge.Address.ToString()]));
        await fixture.Admin.CreateAsync(ResourceTypes.Ingresses, Objects.Ingress(_ns, "web", host, Objects.Path("/", "web")));
        return host;
    }

    private async Task<Endpoints> EndpointsAsync(string name, TestBackend backend)
    {
        var stored = await fixture.Admin.GetAsync(ResourceTypes.Endpoints, _ns, name);
        return Objects.Endpoints(_ns, name, backend.Port, [fixture.Bridge.Address.ToString()]) with { Metadata = stored.Metadata };
    }
}
