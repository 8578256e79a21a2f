using System.Net;
using System.Net.Sockets;
using Drover.Agent.Cri;
using Drover.Agent.Probes;
using Drover.Api;

namespace Drover.Agent.Probes.Tests;

public sealed class ProbeRunnerTests : IDisposable
{
    private static readonly Container App = new() { Name = "app", Ports = [new ContainerPort { Name = "http", Port = 3000 }] };

    // ExecSync is not used by these tests; the client never connects.
    private readonly CriClient _cri = new(new CriClientOptions { SocketPath = "/nonexistent/drover-test.sock" });
    private readonly ProbeRunner _runner;

    public ProbeRunnerTests() => _runner = new ProbeRunner(_cri);

    public void Dispose()
    {
        _runner.Dispose();
        _cri.Dispose();
    }

    [Fact]
    public void ResolvePort_Number_IsItself() => Assert.Equal(8080, ProbeRunner.ResolvePort(8080, App));

    [Fact]
    public void ResolvePort_NamedContainerPort_IsItsNumber() => Assert.Equal(3000, ProbeRunner.ResolvePort("http", App));

    [Fact]
    public void ResolvePort_UnknownName_IsMinusOne() => Assert.Equal(-1, ProbeRunner.ResolvePort("grpc", App));

    [Fact]
    public void BuildUri_DefaultsToPodIpAndHttp() =>
        Assert.Equal("http://10.88.5.7:3000/health", ProbeRunner.BuildUri(new HttpGetAction { Path = "/health", Port = 3000 }, "10.88.5.7", 3000).ToString());

    [Fact]
    public void BuildUri_HttpsHostAndPathWithoutSlash() =>
        Assert.Equal("https://example.test:8443/ready", ProbeRunner.BuildUri(new HttpGetAction { Path = "ready", Scheme = "HTTPS", Host = "example.test" }, "10.0.0.1", 8443).ToString());

    [Fact]
    public async Task RunAsync_TcpSocketOnListeningPort_Succeeds()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var outcome = await _runner.RunAsync(new Probe { TcpSocket = new TcpSocketAction { Port = port } }, new ProbeTarget("127.0.0.1", "c1", App), TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.Equal(ProbeResult.Success, outcome.Result);
    }

    [Fact]
    public async Task RunAsync_TcpSocketOnClosedPort_FailsWithReason()
    {
        var outcome = await _runner.RunAsync(new Probe { TcpSocket = new TcpSocketAction { Port = 1 } }, new ProbeTarget("127.0.0.1", "c1", App), TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.Equal(ProbeResult.Failure, outcome.Result);
        Assert.Contains("127.0.0.1:1", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_HttpGet_StatusAndHeadersDecide()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = ServeAsync(listener, request => request.Contains("X-Probe: yes", StringComparison.Ordinal) ? "204 No Content" : "500 Internal Server Error", count: 2);
        var target = new ProbeTarget("127.0.0.1", "c1", App);

        var ok = await _runner.RunAsync(new Probe { HttpGet = new HttpGetAction { Path = "/h", Port = port, HttpHeaders = [new HttpHeader { Name = "X-Probe", Value = "yes" }] } }, target, TimeSpan.FromSeconds(2), CancellationToken.None);
        var failed = await _runner.RunAsync(new Probe { HttpGet = new HttpGetAction { Path = "/h", Port = port } }, target, TimeSpan.FromSeconds(2), CancellationToken.None);
        await server;

        Assert.Equal(ProbeResult.Success, ok.Result);
        Assert.Equal(ProbeResult.Failure, failed.Result);
        Assert.Contains("500", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_HttpGetSlowerThanTimeout_FailsAsTimeout()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var outcome = await _runner.RunAsync(new Probe { HttpGet = new HttpGetAction { Path = "/", Port = port } }, new ProbeTarget("127.0.0.1", "c1", App), TimeSpan.FromMilliseconds(300), CancellationToken.None);

        Assert.Equal(ProbeResult.Failure, outcome.Result);
        Assert.Contains("timed out", outcome.Message, StringComparison.Ordinal);
    }

    private static async Task ServeAsync(TcpListener listener, Func<string, string> status, int count)
    {
        for (var i = 0; i < count; i++)
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var buffer = new byte[4096];
            var read = 0;
            while (!System.Text.Encoding.ASCII.GetString(buffer, 0, read).Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                read += await stream.ReadAsync(buffer.AsMemory(read));
            }

            var reply = $"HTTP/1.1 {status(System.Text.Encoding.ASCII.GetString(buffer, 0, read))}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(reply));
        }
    }
}
