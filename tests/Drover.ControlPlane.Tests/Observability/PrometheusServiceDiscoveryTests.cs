using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Text.Json;
using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Testing;
using Drover.Testing;
using Drover.ControlPlane.Api;

namespace Drover.ControlPlane.Observability.Tests;

/// <summary>The service-discovery endpoint and the metrics identity on a real droverd, over HTTPS as Prometheus calls them.</summary>
[Trait("Category", "Process")]
public sealed class PrometheusServiceDiscoveryTests(DroverdFixture fixture) : IClassFixture<DroverdFixture>
{
    private readonly DroverdProcess _server = fixture.Server;

    private string MetricsToken => File.ReadAllText(Path.Combine(_server.DataDirectory, "credentials", "metrics-token")).Trim();

    [Fact]
    public async Task Agents_MetricsToken_JsonTargetGroupsOfNodesThatPublishMetrics()
    {
        using (var admin = _server.Client())
        {
            await admin.CreateAsync(ResourceTypes.Nodes, Node("sd-with-metrics", "127.0.0.1:19101"));
            await admin.CreateAsync(ResourceTypes.Nodes, Node("sd-metrics-off", null));
        }

        var (code, contentType, body) = await GetAsync(HttpMethod.Get, PrometheusServiceDiscovery.AgentsPath, MetricsToken);

        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("application/json", contentType);
        // The node cache follows the store by a watch: a just-created Node shows within a moment.
        var groups = await Poll.UntilAsync(
            async () => JsonDocument.Parse((await GetAsync(HttpMethod.Get, PrometheusServiceDiscovery.AgentsPath, MetricsToken)).Body).RootElement.Clone(),
            root => root.EnumerateArray().Any(g => g.GetProperty("labels").GetProperty("__meta_drover_node_name").GetString() == "sd-with-metrics"),
            "sd-with-metrics in the service discovery");
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(body).RootElement.ValueKind);
        var ours = groups.EnumerateArray().Single(g => g.GetProperty("labels").GetProperty("__meta_drover_node_name").GetString() == "sd-with-metrics");
        Assert.Equal("127.0.0.1:19101", Assert.Single(ours.GetProperty("targets").EnumerateArray()).GetString());
        Assert.Equal("sd-with-metrics", ours.GetProperty("labels").GetProperty("__meta_drover_node_label_kubernetes_io_hostname").GetString());
        Assert.DoesNotContain(groups.EnumerateArray(), g => g.GetProperty("labels").GetProperty("__meta_drover_node_name").GetString() == "sd-metrics-off");
    }

    [Fact]
    public async Task Agents_NoToken_401()
    {
        var (code, _, body) = await GetAsync(HttpMethod.Get, PrometheusServiceDiscovery.AgentsPath, null);
        Assert.Equal(HttpStatusCode.Unauthorized, code);
        Assert.Contains("\"reason\":\"Unauthorized\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agents_IngressToken_403()
    {
        var ingress = ClientSettings.Load(_server.IngressConfigPath).Token;
        var (code, _, body) = await GetAsync(HttpMethod.Get, PrometheusServiceDiscovery.AgentsPath, ingress);
        Assert.Equal(HttpStatusCode.Forbidden, code);
        Assert.Contains("system:drover:ingress", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agents_AdminPost_405()
    {
        var (code, _, _) = await GetAsync(HttpMethod.Post, PrometheusServiceDiscovery.AgentsPath, ClientSettings.Load(_server.ClientConfigPath).Token);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, code);
    }

    [Fact]
    public async Task MetricsToken_ReadsMetricsButNothingOfTheApi()
    {
        var (metrics, _, text) = await GetAsync(HttpMethod.Get, "/metrics", MetricsToken);
        Assert.Equal(HttpStatusCode.OK, metrics);
        Assert.Contains("drover_apiserver_requests_total", text, StringComparison.Ordinal);

        foreach (var path in new[] { "/api/v1/nodes", "/api/v1/namespaces/kube-system/secrets", "/apis/metrics.k8s.io/v1beta1/nodes", "/drover/v1/nothing" })
        {
            var (code, _, body) = await GetAsync(HttpMethod.Get, path, MetricsToken);
            Assert.True(code == HttpStatusCode.Forbidden, $"GET {path} with the metrics token: {(int)code} {body}");
            Assert.Contains("system:drover:metrics", body, StringComparison.Ordinal);
        }
        var (post, _, _) = await GetAsync(HttpMethod.Post, PrometheusServiceDiscovery.AgentsPath, MetricsToken);
        Assert.Equal(HttpStatusCode.Forbidden, post);
    }

    [Fact]
    public void MetricsToken_OwnerOnlyAndPrefixed()
    {
        var path = Path.Combine(_server.DataDirectory, "credentials", "metrics-token");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.StartsWith("drover-metrics:", MetricsToken, StringComparison.Ordinal);
    }

    /// <summary>A plain HttpClient trusting the cluster CA, as Prometheus (tls_config.ca_file) does; no Drover client in between.</summary>
    private async Task<(HttpStatusCode Code, string? ContentType, string Body)> GetAsync(HttpMethod method, string path, string? token)
    {
        var trusted = ClientSettings.Load(_server.ClientConfigPath).CaCertificates();
        using var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, cert, _, _) => ClusterHttp.ChainsTo(cert, trusted) },
        };
        using var http = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{_server.Port}") };
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    private static Node Node(string name, string? metricsAddress) => new()
    {
        ApiVersion = "v1",
        Kind = "Node",
        Metadata = new ObjectMeta
        {
            Name = name,
            Labels = new() { ["kubernetes.io/hostname"] = name },
            Annotations = metricsAddress is null ? null : new() { [NodeServing.MetricsAddressAnnotation] = metricsAddress },
        },
    };
}
