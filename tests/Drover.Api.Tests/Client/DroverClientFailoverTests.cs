using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Drover.Api.Client.Tests;

/// <summary>
/// A client with several droverd replicas: a replica that cannot be reached is passed over for the next, the client stays
/// on the one that answered, and the config file keeps every replica (kubectl sees only the first).
/// </summary>
public sealed class DroverClientFailoverTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("drover-client-failover-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Write_SeveralServers_LoadReturnsThemInOrderAndKubectlSeesTheFirst()
    {
        var path = Path.Combine(_directory, "config");
        Uri[] servers = [new("https://198.51.100.1:6443"), new("https://198.51.100.2:6443"), new("https://198.51.100.3:6443")];

        ClientSettings.Write(path, servers, "secret", "", "drover");
        var loaded = ClientSettings.Load(path);

        Assert.Equal(servers, loaded.Servers);
        Assert.Equal(servers[0], loaded.Server);
        Assert.Contains("current-context: drover", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.Contains("- name: drover@3", File.ReadAllText(path), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAndCreate_FirstServerRefusesConnections_AnsweredByTheNextAndStaysThere()
    {
        var dead = new Uri($"http://127.0.0.1:{ClosedPort()}/");
        using var live = new OneAnswerServer("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","namespace":"default"}}""");
        using var client = new DroverClient(new ClientSettings(dead, "t", "", "default") { Servers = [dead, live.Url] }, TimeSpan.FromSeconds(10));

        var got = await client.GetAsync(ResourceTypes.ConfigMaps, "default", "x");
        // A write whose connection was never made is safe to send to the next replica too.
        var created = await client.CreateAsync(ResourceTypes.ConfigMaps, new ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new ObjectMeta { Name = "x", Namespace = "default" } });

        Assert.Equal("x", got.Metadata.Name);
        Assert.Equal("x", created.Metadata.Name);
        Assert.Equal(live.Url, client.CurrentServer);
        Assert.Equal(2, live.Requests);
    }

    /// <summary>A WebSocket (exec, port-forward) and an SPDY upgrade (exec -i) that reach no droverd say so in the same words.</summary>
    [Fact]
    public async Task Upgrades_ServerUnreachable_OneMessageForBoth()
    {
        var dead = new Uri($"http://127.0.0.1:{ClosedPort()}/");
        using var client = new DroverClient(new ClientSettings(dead, "t", "", "default"), TimeSpan.FromSeconds(10));

        var webSocket = await Assert.ThrowsAsync<ApiClientException>(() => client.OpenWebSocketAsync("/api/v1/namespaces/default/pods/p/exec", "v4.channel.k8s.io"));
        var spdy = await Assert.ThrowsAsync<ApiClientException>(() => client.OpenUpgradeAsync(HttpMethod.Post, "/api/v1/namespaces/default/pods/p/exec", "SPDY/3.1", ["v4.channel.k8s.io"]));

        foreach (var e in new[] { webSocket, spdy })
        {
            Assert.Equal(0, e.Status.Code);
            Assert.Equal("ServiceUnavailable", e.Status.Reason);
            Assert.StartsWith($"cannot reach droverd at {dead}: ", e.Status.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Get_NoServerReachable_FailsNamingEachReplica()
    {
        var first = new Uri($"http://127.0.0.1:{ClosedPort()}/");
        var second = new Uri($"http://127.0.0.1:{ClosedPort()}/");
        using var client = new DroverClient(new ClientSettings(first, "t", "", "default") { Servers = [first, second] }, TimeSpan.FromSeconds(10));

        var e = await Assert.ThrowsAsync<ApiClientException>(() => client.GetAsync(ResourceTypes.ConfigMaps, "default", "x"));

        Assert.Contains("any droverd replica", e.Message, StringComparison.Ordinal);
        Assert.Contains(first.Authority, e.Message, StringComparison.Ordinal);
        Assert.Contains(second.Authority, e.Message, StringComparison.Ordinal);
    }

    /// <summary>A loopback port nothing listens on (bound, then released).</summary>
    private static int ClosedPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>Plain HTTP on loopback answering every request with the same JSON object.</summary>
    private sealed class OneAnswerServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly byte[] _body;
        private int _requests;

        public OneAnswerServer(string json)
        {
            _body = Encoding.UTF8.GetBytes(json);
            Url = new Uri($"http://127.0.0.1:{ClosedPort()}/");
            _listener.Prefixes.Add(Url.ToString());
            _listener.Start();
            _ = ServeAsync();
        }

        public Uri Url { get; }

        public int Requests => Volatile.Read(ref _requests);

        public void Dispose() => _listener.Close();

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
                Interlocked.Increment(ref _requests);
                context.Response.StatusCode = context.Request.HttpMethod == "POST" ? 201 : 200;
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(_body);
                context.Response.Close();
            }
        }
    }
}
