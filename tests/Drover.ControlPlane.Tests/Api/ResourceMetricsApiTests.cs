using System.Text.Json;
using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Testing;
using Drover.Testing;

namespace Drover.ControlPlane.Api.Tests;

/// <summary>droverd's resource metrics pipeline: usage reports in, metrics.k8s.io rates out, and who may do which.</summary>
[Trait("Category", "Process")]
public sealed class ResourceMetricsApiTests(DroverdFixture fixture) : IClassFixture<DroverdFixture>
{
    private const long Second = UsageReports.Second;
    private readonly DroverdProcess _server = fixture.Server;
    private readonly DroverClient _admin = fixture.Server.Client();

    private async Task<DroverClient> NodeClientAsync(string nodeName)
    {
        var token = File.ReadAllText(Path.Combine(_server.DataDirectory, "credentials/join-token")).Trim();
        var settings = await NodeJoiner.JoinAsync(new Uri($"https://127.0.0.1:{_server.Port}"), token, nodeName);
        return _server.ClientWithToken(settings.Token);
    }

    private async Task<Pod> PodAsync(string ns, string name, Dictionary<string, string>? labels = null) =>
        await _admin.CreateAsync(ResourceTypes.Pods, new Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new ObjectMeta { Name = name, Namespace = ns, Labels = labels },
            Spec = new PodSpec { Containers = [new Container { Name = "app", Image = "my-app:v1.0" }] },
        });

    private async Task<T> GetAsync<T>(string path, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        JsonSerializer.Deserialize(await _admin.GetRawAsync(path), type)!;

    [Fact]
    public async Task TwoReports_NodeAndPodRatesServedAsMetricsServerDoes()
    {
        var node = "usage-" + Guid.NewGuid().ToString("N")[..6];
        var ns = await TestNamespaces.CreateAsync(_admin);
        var web = await PodAsync(ns, "web", new() { ["app"] = "web" });
        var db = await PodAsync(ns, "db", new() { ["app"] = "db" });
        using var agent = await NodeClientAsync(node);

        await UsageReports.SendAsync(agent, node, UsageReports.At(0, 10 * Second, 512 << 20, (web, 2 * Second, 40 << 20), (db, 0, 10 << 20)));
        var afterOne = await Assert.ThrowsAsync<ApiClientException>(() => _admin.GetRawAsync($"/apis/metrics.k8s.io/v1beta1/nodes/{node}"));
        await UsageReports.SendAsync(agent, node, UsageReports.At(2, 13 * Second, 600 << 20, (web, 3 * Second, 48 << 20), (db, Second / 10, 12 << 20)));

        Assert.Equal(404, afterOne.Code); // one report has no rate yet
        var nodeMetrics = await GetAsync($"/apis/metrics.k8s.io/v1beta1/nodes/{node}", MetricsJsonContext.Default.NodeMetrics);
        Assert.Equal(("metrics.k8s.io/v1beta1", "NodeMetrics"), (nodeMetrics.ApiVersion, nodeMetrics.Kind));
        Assert.Equal("1500m", nodeMetrics.Usage["cpu"].ToString()); // 3 s of cpu in 2 s
        Assert.Equal("600Mi", nodeMetrics.Usage["memory"].ToString());
        Assert.Equal("2s", nodeMetrics.Window);
        Assert.Contains(node, (await GetAsync("/apis/metrics.k8s.io/v1beta1/nodes", MetricsJsonContext.Default.NodeMetricsList)).Items.Select(n => n.Metadata.Name));

        var pods = await GetAsync($"/apis/metrics.k8s.io/v1beta1/namespaces/{ns}/pods", MetricsJsonContext.Default.PodMetricsList);
        Assert.Equal(["db", "web"], pods.Items.Select(p => p.Metadata.Name));
        var webUsage = Assert.Single(pods.Items[1].Containers);
        Assert.Equal(("app", "500m", "48Mi"), (webUsage.Name, webUsage.Usage["cpu"].ToString(), webUsage.Usage["memory"].ToString()));
        Assert.Equal("50m", pods.Items[0].Containers[0].Usage["cpu"].ToString());
        Assert.Equal("web", pods.Items[1].Metadata.Labels!["app"]); // labels copied from the pod, as metrics-server does

        var selected = await GetAsync($"/apis/metrics.k8s.io/v1beta1/namespaces/{ns}/pods?labelSelector=app%3Dweb", MetricsJsonContext.Default.PodMetricsList);
        Assert.Equal("web", Assert.Single(selected.Items).Metadata.Name);
        var one = await GetAsync($"/apis/metrics.k8s.io/v1beta1/namespaces/{ns}/pods/db", MetricsJsonContext.Default.PodMetrics);
        Assert.Equal("db", one.Metadata.Name);
        Assert.Contains((await GetAsync("/apis/metrics.k8s.io/v1beta1/pods", MetricsJsonContext.Default.PodMetricsList)).Items, p => p.Metadata.Namespace == ns);
    }

    [Fact]
    public async Task RestartedContainer_CounterWentBack_PodLeftOutUntilNextReport()
    {
        var node = "usage-" + Guid.NewGuid().ToString("N")[..6];
        var ns = await TestNamespaces.CreateAsync(_admin);
        var web = await PodAsync(ns, "web");
        using var agent = await NodeClientAsync(node);
        await UsageReports.SendAsync(agent, node, UsageReports.At(0, 0, 0, (web, 5 * Second, 0)));
        await UsageReports.SendAsync(agent, node, UsageReports.At(1, Second, 0, (web, Second / 2, 0)));

        var missing = await Assert.ThrowsAsync<ApiClientException>(() => _admin.GetRawAsync($"/apis/metrics.k8s.io/v1beta1/namespaces/{ns}/pods/web"));
        await UsageReports.SendAsync(agent, node, UsageReports.At(2, 2 * Second, 0, (web, Second, 0)));

        Assert.Equal(404, missing.Code);
        Assert.Equal("podmetrics.metrics.k8s.io \"web\" not found", missing.Message);
        var pod = await GetAsync($"/apis/metrics.k8s.io/v1beta1/namespaces/{ns}/pods/web", MetricsJsonContext.Default.PodMetrics);
        Assert.Equal("500m", pod.Containers[0].Usage["cpu"].ToString());
    }

    [Fact]
    public async Task Node_ReportsForAnotherNode_403()
    {
        using var agent = await NodeClientAsync("usage-a-" + Guid.NewGuid().ToString("N")[..6]);

        var e = await Assert.ThrowsAsync<ApiClientException>(() => UsageReports.SendAsync(agent, "someone-else", UsageReports.At(0, 0, 0)));

        Assert.Equal(403, e.Code);
        Assert.Contains("may only report its own usage", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/apis/metrics.k8s.io/v1beta1/nodes")]
    [InlineData("/apis/metrics.k8s.io/v1beta1/pods")]
    public async Task Node_ReadsMetrics_403(string path)
    {
        using var agent = await NodeClientAsync("usage-r-" + Guid.NewGuid().ToString("N")[..6]);

        var e = await Assert.ThrowsAsync<ApiClientException>(() => agent.GetRawAsync(path));

        Assert.Equal(403, e.Code);
        Assert.Contains("in API group \"metrics.k8s.io\"", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"timestampUnixNano\":0}", "timestampUnixNano: must be positive, got 0")]
    [InlineData("{\"timestampUnixNano\":5,\"cpu\":1}", "cpu")]
    [InlineData("{\"timestampUnixNano\":5,\"pods\":[{\"name\":\"x\"}]}", "pods[0]: namespace, name and uid are required")]
    [InlineData("not json", "the usage report is not valid")]
    public async Task BadReport_400NamingTheField_NothingRecorded(string body, string expected)
    {
        var node = "usage-bad-" + Guid.NewGuid().ToString("N")[..6];
        using var agent = await NodeClientAsync(node);

        await UsageReports.SendAsync(agent, node, UsageReports.At(0, 0, 0));

        var e = await Assert.ThrowsAsync<ApiClientException>(() => UsageReports.SendRawAsync(agent, node, body));
        await UsageReports.SendAsync(agent, node, UsageReports.At(2, Second, 0));

        Assert.Equal(400, e.Code);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        // The rejected report left no trace: the rate spans the two good ones.
        var metrics = await GetAsync($"/apis/metrics.k8s.io/v1beta1/nodes/{node}", MetricsJsonContext.Default.NodeMetrics);
        Assert.Equal(("2s", "500m"), (metrics.Window, metrics.Usage["cpu"].ToString()));
    }

    [Fact]
    public async Task UnknownMetricsPath_404()
    {
        var e = await Assert.ThrowsAsync<ApiClientException>(() => _admin.GetRawAsync("/apis/metrics.k8s.io/v1beta1/deployments"));

        Assert.Equal(404, e.Code);
    }
}
