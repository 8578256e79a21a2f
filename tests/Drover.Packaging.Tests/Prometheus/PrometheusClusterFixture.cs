using System.Diagnostics;
using System.Globalization;
using System.Net;
using Drover.Api;
using Drover.Testing;

namespace Drover.Packaging.Prometheus.Tests;

/// <summary>
/// Issue 7's Prometheus on a real cluster: droverd, one node (node-20: a private containerd, bridge drover20, podCIDR
/// 10.88.20.0/24, a drover-agent with /metrics on a free loopback port), drover-ingress, the seed Deployment (3
/// replicas) behind an Ingress, and the real Prometheus on packaging/prometheus/prometheus.yml.template rendered by
/// render.sh for this cluster (1 s scrapes and discovery refreshes). Before Prometheus starts, traffic goes through
/// every path the dashboard shows: requests through the ingress (200s, and 502s from a Service whose port nothing
/// listens on, for the upstream-failure series) and a container-log request through droverd to the agent.
/// </summary>
public sealed class PrometheusClusterFixture : IAsyncLifetime
{
    public const int NodeIndex = 20;
    public const string Host = "prometheus.drover.test";
    public const string ClosedHost = "closed.drover.test";

    private TestCluster? _cluster;
    private IngressProcess? _ingress;
    private PrometheusServer? _prometheus;

    public TestCluster Cluster => _cluster ?? throw new InvalidOperationException("the cluster did not start");

    public IngressProcess Ingress => _ingress ?? throw new InvalidOperationException("drover-ingress did not start");

    internal PrometheusServer Prometheus => _prometheus ?? throw new InvalidOperationException("prometheus did not start");

    public string ConfigPath => Path.Combine(Cluster.WorkDirectory, "prometheus.yml");

    public async Task InitializeAsync()
    {
        _cluster = await TestCluster.StartAsync(new TestClusterOptions { NodeIndexes = [NodeIndex], AgentMetrics = true });
        _ingress = await IngressProcess.StartAsync(Cluster.Binaries, Cluster.Droverd.IngressConfigPath);
        await DeployAsync();
        await SendTrafficAsync();
        await RenderConfigAsync();
        _prometheus = await PrometheusServer.StartAsync(ConfigPath);
    }

    public async Task DisposeAsync()
    {
        if (_prometheus is not null)
            await _prometheus.DisposeAsync();
        if (_ingress is not null)
            await _ingress.DisposeAsync();
        if (_cluster is not null)
            await _cluster.DisposeAsync();
    }

    public string Diagnostics() =>
        Cluster.Diagnostics()
        + "---- drover-ingress (last 30 lines)\n" + string.Join('\n', (_ingress?.Output ?? "").Split('\n').TakeLast(30))
        + "\n---- prometheus (last 30 lines)\n" + string.Join('\n', (_prometheus?.Output ?? "").Split('\n').TakeLast(30));

    private async Task DeployAsync()
    {
        var manifests = SeedManifests.Write(Path.Combine(Cluster.WorkDirectory, "manifests"));
        await File.WriteAllTextAsync(Path.Combine(manifests, "ingress.yaml"), $$"""
            apiVersion: v1
            kind: Service
            metadata:
              name: closed
            spec:
              selector:
                app: {{SeedManifests.DeploymentName}}
              ports:
                - port: 80
                  targetPort: 3999
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: prometheus-test
            spec:
              rules:
                - host: {{Host}}
                  http:
                    paths:
                      - path: /
                        pathType: Prefix
                        backend:
                          service:
                            name: {{SeedManifests.ServiceName}}
                            port:
                              number: 80
                - host: {{ClosedHost}}
                  http:
                    paths:
                      - path: /
                        pathType: Prefix
                        backend:
                          service:
                            name: closed
                            port:
                              number: 80
            """);
        var applied = await Cluster.CliAsync("apply", "-f", manifests);
        if (applied.ExitCode != 0)
            throw new InvalidOperationException($"drover apply -f {manifests} failed:\n{applied}\n{Diagnostics()}");
        await Cluster.WaitAsync(async api =>
        {
            var pods = await Cluster.ListPodsAsync(api, "default", SeedManifests.Selector);
            return pods.Count(p => p.Metadata.DeletionTimestamp is null && TestCluster.IsReady(p)) == 3;
        }, TimeSpan.FromSeconds(120), "3 ready pods of the seed Deployment");
    }

    private async Task SendTrafficAsync()
    {
        using var http = IngressHttp.Client(Ingress.HttpPort);
        await IngressHttp.EventuallyAsync(async () => await StatusAsync(http, Host) == HttpStatusCode.OK,
            TimeSpan.FromSeconds(60), $"200 from {Host} through the ingress");
        for (var i = 0; i < 20; i++)
            await StatusAsync(http, Host);
        // A port nothing listens on: the ingress answers 502 and counts an upstream failure.
        await IngressHttp.EventuallyAsync(async () => await StatusAsync(http, ClosedHost) == HttpStatusCode.BadGateway,
            TimeSpan.FromSeconds(60), $"502 from {ClosedHost} through the ingress");

        // drover logs goes droverd → agent: the agent's log-request counter gets its first child.
        using var api = Cluster.Client();
        var pod = (await Cluster.ListPodsAsync(api, "default", SeedManifests.Selector))[0];
        await api.GetRawAsync($"/api/v1/namespaces/default/pods/{pod.Metadata.Name}/log");
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string host)
    {
        using var response = await http.GetAsync(new Uri($"http://{host}/"));
        return response.StatusCode;
    }

    /// <summary>The template rendered by the script install and ./build.sh up use, not by test code of its own.</summary>
    private async Task RenderConfigAsync()
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[]
                 {
                     Path.Combine(RepoPaths.Root, "packaging", "prometheus", "render.sh"),
                     "--data-dir", Cluster.Droverd.DataDirectory, "--server", "127.0.0.1:" + Cluster.Droverd.Port.ToString(CultureInfo.InvariantCulture),
                     "--ingress", "127.0.0.1:" + Ingress.MetricsPort.ToString(CultureInfo.InvariantCulture),
                     "--scrape-interval", "1s", "--sd-refresh-interval", "1s", "--out", ConfigPath,
                 })
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"render.sh failed (exit {process.ExitCode}):\n{output}");
    }
}

[CollectionDefinition(Name)]
public sealed class PrometheusClusterCollection : ICollectionFixture<PrometheusClusterFixture>
{
    public const string Name = "Prometheus (droverd + containerd 20 + drover-agent + drover-ingress + prometheus)";
}
