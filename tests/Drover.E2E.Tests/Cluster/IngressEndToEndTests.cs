using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Drover.Api;
using Drover.Testing;
using Xunit.Abstractions;

namespace Drover.E2E.Cluster.Tests;

using Ingress = Drover.Api.Ingress;

/// <summary>
/// Issue 5 end to end on real pods: the seed Ingress through a real drover-ingress to two real Deployments
/// (user-service, order-service) on two real nodes. Routing by path, scale 3 → 1 → 3 followed within 1 s,
/// 503 naming the service when it has no ready endpoint, a rolling update v1 → v2 under constant keep-alive
/// load with no failed request, and TLS from a self-signed kubernetes.io/tls Secret chosen by SNI. The steps
/// share one cluster and run in order (TLS last: it turns on the redirect of plain HTTP for the host).
/// The sample app answers "Hello from POD (version V)" for every path ending in '/' (busybox httpd runs
/// cgi-bin/index.cgi for any directory URL), so /users/ and /orders/ name the pod that served them.
/// </summary>
[Collection(IngressEndToEndCollection.Name)]
[TestCaseOrderer(StepOrderer.TypeName, StepOrderer.AssemblyName)]
[Trait("Category", "Process")]
public sealed class IngressEndToEndTests(IngressEndToEndFixture fixture, ITestOutputHelper output)
{
    /// <summary>The issue's functional bound for the ingress to follow an endpoint change.</summary>
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);

    private const string UserService = "user-service";
    private const string OrderService = "order-service";
    private const int LoadClients = 4;
    private static readonly TimeSpan LoadPause = TimeSpan.FromMilliseconds(5);

    private TestCluster Cluster => fixture.Cluster;
    private int HttpPort => fixture.Ingress.HttpPort;
    private Uri Http(string path, string host = SeedManifests.IngressHost) => new($"http://{host}:{HttpPort}{path}");

    [Fact]
    [Step(1)]
    public async Task SeedIngress_UsersAndOrders_EachPathServedByItsOwnDeploymentsPods()
    {
        using var api = Cluster.Client();
        var users = (await fixture.LivePodsAsync(api, UserService)).Select(p => p.Metadata.Name!).ToHashSet();
        var orders = (await fixture.LivePodsAsync(api, OrderService)).Select(p => p.Metadata.Name!).ToHashSet();
        using var client = IngressHttp.Client(HttpPort);
        await IngressHttp.EventuallyAsync(async () => (await GetAsync(client, Http("/users/"))).Code == HttpStatusCode.OK, TimeSpan.FromSeconds(10), "/users/ served");

        var servedUsers = new HashSet<string>(StringComparer.Ordinal);
        var servedOrders = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 3 * IngressEndToEndFixture.Replicas; i++)
        {
            servedUsers.Add(await PodAsync(client, Http(i % 2 == 0 ? "/users/" : $"/users/{i}/")));
            servedOrders.Add(await PodAsync(client, Http("/orders/")));
        }

        // Round robin over the ready endpoints: every replica of each Deployment, and only those.
        Assert.Equal(users.Order(), servedUsers.Order());
        Assert.Equal(orders.Order(), servedOrders.Order());
        var (code, body) = await GetAsync(client, Http("/payments/"));
        Assert.Equal(HttpStatusCode.NotFound, code);
        Assert.Contains("no ingress rule matches", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(client, Http("/users/", host: "www.example.com"))).Code);

        // The ingress reports where it serves, as kubectl get ingress shows it.
        await Cluster.WaitAsync(async a =>
        {
            var ingress = await a.GetAsync(ResourceTypes.Ingresses, "default", SeedManifests.IngressName);
            return ingress.Status?.LoadBalancer?.Ingress is [{ Ip: "127.0.0.1" }];
        }, TimeSpan.FromSeconds(10), "status.loadBalancer of my-ingress written");
        output.WriteLine($"/users/ served by {string.Join(", ", servedUsers.Order())}; /orders/ by {string.Join(", ", servedOrders.Order())}");
    }

    [Fact]
    [Step(2)]
    public async Task Scale_3To1To3UnderLoad_IngressFollowsWithinOneSecondWithoutFailures()
    {
        using var api = Cluster.Client();
        using var watchApi = Cluster.Droverd.Client();
        await using var timeline = await PodTimeline.StartAsync(watchApi, "default");
        var before = (await fixture.LivePodsAsync(api, UserService)).Select(p => p.Metadata.Name!).ToList();
        await using var load = new IngressLoad(HttpPort, Http("/users/"), LoadClients, LoadPause);
        await load.WaitForMoreAsync(20, TimeSpan.FromSeconds(20));
        var upstreamFailures = await UpstreamFailuresAsync();

        // 3 → 1: the two removed pods get no request later than 1 s after the scale was accepted.
        await api.PatchScaleAsync(ResourceTypes.Deployments, "default", UserService, 1);
        var scaledDown = Stopwatch.GetTimestamp();
        var kept = (await fixture.WaitForDeploymentAsync(UserService, 1, SeedManifests.ImageV1, TimeSpan.FromSeconds(60)))[0].Metadata.Name!;
        await WaitUntilAsync(scaledDown, OneSecond + TimeSpan.FromMilliseconds(300));
        await load.WaitForMoreAsync(20, TimeSpan.FromSeconds(20));
        var removed = before.Where(p => p != kept).ToList();
        Assert.Equal(2, removed.Count);
        foreach (var pod in removed)
        {
            var last = load.LastServedBy(pod);
            var lastAfter = last is { } l ? Stopwatch.GetElapsedTime(scaledDown, l) : TimeSpan.Zero;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"scale 3→1: {pod} seen terminating {Ms(scaledDown, timeline.TerminatingAt(pod))} ms after the scale, last answer through the ingress {lastAfter.TotalMilliseconds:0} ms after it"));
            Assert.True(lastAfter <= OneSecond, $"{pod} still got requests {lastAfter.TotalMilliseconds:0} ms after the scale to 1\n{load.Summary()}");
        }
        var afterBound = scaledDown + (long)(OneSecond.TotalSeconds * Stopwatch.Frequency);
        Assert.All(load.Samples.Where(s => s.At > afterBound), s => Assert.Equal(kept, s.Pod));

        // 1 → 3: each new pod gets requests within 1 s of droverd reporting it Ready.
        await api.PatchScaleAsync(ResourceTypes.Deployments, "default", UserService, IngressEndToEndFixture.Replicas);
        var scaledUp = Stopwatch.GetTimestamp();
        var three = await fixture.WaitForDeploymentAsync(UserService, IngressEndToEndFixture.Replicas, SeedManifests.ImageV1, TimeSpan.FromSeconds(60));
        var added = three.Select(p => p.Metadata.Name!).Where(p => p != kept).ToList();
        Assert.Equal(2, added.Count);
        foreach (var pod in added)
        {
            var ready = timeline.ReadyAt(pod) ?? throw new InvalidOperationException($"the pod watch never saw {pod} Ready");
            await IngressHttp.EventuallyAsync(() => Task.FromResult(load.FirstServedBy(pod) is not null), TimeSpan.FromSeconds(10), $"{pod} serving through the ingress");
            var served = Stopwatch.GetElapsedTime(ready, load.FirstServedBy(pod)!.Value);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"scale 1→3: {pod} Ready {Ms(scaledUp, ready)} ms after the scale, first answer through the ingress {served.TotalMilliseconds:0} ms after Ready"));
            Assert.True(served <= OneSecond, $"{pod} served its first request {served.TotalMilliseconds:0} ms after becoming Ready\n{load.Summary()}");
        }

        await load.WaitForMoreAsync(20, TimeSpan.FromSeconds(20));
        await load.DisposeAsync();
        var reachedStopped = await UpstreamFailuresAsync() - upstreamFailures;
        output.WriteLine($"load during the scaling: {load.Summary()}; requests the ingress sent to a pod that did not answer: {reachedStopped}");
        Assert.True(load.Failures.Count == 0, $"{load.Failures.Count} of {load.Requests} requests failed:\n{string.Join('\n', load.Failures.Take(20))}");
        Assert.Equal(LoadClients, load.Connections);
        Assert.True(reachedStopped == 0, $"the ingress sent {reachedStopped} request(s) to a pod that no longer answered\n{fixture.Diagnostics()}");
    }

    [Fact]
    [Step(3)]
    public async Task NoReadyEndpoint_OrderServiceScaledToZero_503NamingTheService()
    {
        using var api = Cluster.Client();
        using var client = IngressHttp.Client(HttpPort);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, Http("/orders/"))).Code);

        await api.PatchScaleAsync(ResourceTypes.Deployments, "default", OrderService, 0);
        var took = await IngressHttp.EventuallyAsync(async () => (await GetAsync(client, Http("/orders/"))).Code == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(10), "/orders/ answered 503");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"/orders/ answered 503 {took.TotalMilliseconds:0} ms after the scale to 0"));

        var (code, body) = await GetAsync(client, Http("/orders/"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, code);
        Assert.Contains("service default/order-service (port 80) has no ready endpoint", body, StringComparison.Ordinal);
        // The other path of the same host is not affected.
        Assert.StartsWith("user-service-", await PodAsync(client, Http("/users/")), StringComparison.Ordinal);
    }

    [Fact]
    [Step(4)]
    public async Task RollingUpdate_V1ToV2UnderConstantLoad_ZeroFailedRequests()
    {
        using var api = Cluster.Client();
        var v1Pods = (await fixture.LivePodsAsync(api, UserService)).Select(p => p.Metadata.Name!).ToHashSet();
        await using var load = new IngressLoad(HttpPort, Http("/users/"), LoadClients, LoadPause);
        await load.WaitForMoreAsync(40, TimeSpan.FromSeconds(20));
        var upstreamFailures = await UpstreamFailuresAsync();

        var clock = Stopwatch.StartNew();
        var set = await Cluster.CliAsync("set", "image", "deployment/" + UserService, $"{SeedManifests.ContainerName}={SeedManifests.ImageV2}");
        Assert.True(set.ExitCode == 0, set.ToString());
        var status = await Cluster.CliAsync("rollout", "status", "deployment/" + UserService, "--timeout", "2m");
        Assert.True(status.ExitCode == 0, status + "\n" + fixture.Diagnostics());
        // Settled means the v1 pods are gone too: drained, stopped and deleted, all under load.
        var v2 = await fixture.WaitForDeploymentAsync(UserService, IngressEndToEndFixture.Replicas, SeedManifests.ImageV2, TimeSpan.FromSeconds(60));
        var rolledOut = clock.Elapsed;
        await load.WaitForMoreAsync(40, TimeSpan.FromSeconds(20));
        await load.DisposeAsync();

        var reachedStopped = await UpstreamFailuresAsync() - upstreamFailures;

        var samples = load.Samples.OrderBy(s => s.At).ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"set image → 3 v2 pods settled and the v1 pods deleted: {rolledOut.TotalSeconds:0.0} s (Debug build, CLI through dotnet)"));
        output.WriteLine($"load during the rolling update: {load.Summary()}; requests the ingress sent to a pod that did not answer: {reachedStopped}");
        Assert.True(load.Failures.Count == 0, $"{load.Failures.Count} of {load.Requests} requests failed during the rolling update:\n{string.Join('\n', load.Failures.Take(20))}\n{fixture.Diagnostics()}");
        Assert.Equal(LoadClients, load.Connections);
        // Not even a retried one: the old pods left the ingress before they stopped listening.
        Assert.True(reachedStopped == 0, $"the ingress sent {reachedStopped} request(s) to a pod that no longer answered\n{fixture.Diagnostics()}");

        // The answers switch from v1 to v2: v1 pods first, only v2 pods at the end.
        var v2Pods = v2.Select(p => p.Metadata.Name!).ToHashSet();
        Assert.Equal("v1.0", samples[0].Version);
        Assert.Contains(samples[0].Pod, v1Pods);
        var tail = samples.TakeLast(40).ToList();
        Assert.All(tail, s => Assert.True(s.Version == "v2.0" && v2Pods.Contains(s.Pod), $"{s.Pod} ({s.Version}) answered after the rollout"));
        Assert.All(samples, s => Assert.True(v1Pods.Contains(s.Pod) ? s.Version == "v1.0" : v2Pods.Contains(s.Pod) && s.Version == "v2.0", $"unexpected answer from {s.Pod} ({s.Version})"));
        Assert.Equal(v2Pods.Order(), samples.Where(s => s.Version == "v2.0").Select(s => s.Pod).Distinct().Order());
    }

    [Fact]
    [Step(5)]
    public async Task Tls_SelfSignedSecretForTheSeedHost_ServedBySniAndRouted()
    {
        using var api = Cluster.Client();
        const string secretName = "api-example-com-tls";
        var (secret, certificate) = TlsSecrets.SelfSigned("default", secretName, SeedManifests.IngressHost);
        await api.CreateAsync(ResourceTypes.Secrets, secret);
        // drover-ingress patches the Ingress's status on its own: read and write again on a conflict, as kubectl edit does.
        await ConflictRetry.RetryOnConflictAsync(async _ =>
        {
            var stored = await api.GetAsync(ResourceTypes.Ingresses, "default", SeedManifests.IngressName);
            await api.UpdateAsync(ResourceTypes.Ingresses, stored with
            {
                Spec = stored.Spec with { Tls = [new IngressTls { Hosts = [SeedManifests.IngressHost], SecretName = secretName }] },
            });
        });

        var https = fixture.Ingress.HttpsPort;
        var took = await IngressHttp.EventuallyAsync(async () =>
        {
            var (thumbprint, code, _) = await HttpsGetAsync(https, SeedManifests.IngressHost, "/users/");
            return thumbprint == certificate.Thumbprint && code == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(10), "the Secret's certificate served for api.example.com");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"certificate served {took.TotalMilliseconds:0} ms after the Ingress update"));

        var (served, status, body) = await HttpsGetAsync(https, SeedManifests.IngressHost, "/users/42/");
        Assert.Equal(certificate.Thumbprint, served);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Matches(@"^Hello from user-service-\S+ \(version v2\.0\)", body);
        // Another name gets the ingress's fallback certificate, never this Secret's, and no route.
        var (other, otherStatus, _) = await HttpsGetAsync(https, "www.example.com", "/users/");
        Assert.NotEqual(certificate.Thumbprint, other);
        Assert.Equal(HttpStatusCode.NotFound, otherStatus);
        // Plain HTTP to a TLS host is redirected (ingress-nginx's default).
        using var plain = IngressHttp.Client(HttpPort);
        using var redirect = await plain.GetAsync(Http("/users/"));
        Assert.Equal(HttpStatusCode.PermanentRedirect, redirect.StatusCode);
        Assert.Equal($"https://{SeedManifests.IngressHost}:{https}/users/", redirect.Headers.Location!.ToString());
    }

    /// <summary>One GET over a new TLS connection whose SNI is <paramref name="host"/>; the certificate the ingress presented, the status and the body.</summary>
    private static async Task<(string? Thumbprint, HttpStatusCode Code, string Body)> HttpsGetAsync(int port, string host, string path)
    {
        X509Certificate? seen = null;
        using var client = IngressHttp.Client(port, trustAnyCertificate: true, onCertificate: c => seen = c);
        var (code, body) = await GetAsync(client, new Uri($"https://{host}:{port}{path}"));
        return (seen is null ? null : (seen as X509Certificate2 ?? new X509Certificate2(seen)).Thumbprint, code, body);
    }

    /// <summary>drover_ingress_upstream_failures_total, all kinds: requests sent to an address that refused, reset or timed out.</summary>
    private async Task<double> UpstreamFailuresAsync()
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{fixture.Ingress.MetricsPort}/metrics"));
        return text.Split('\n')
            .Where(line => line.StartsWith("drover_ingress_upstream_failures_total{", StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    private static async Task<(HttpStatusCode Code, string Body)> GetAsync(HttpClient client, Uri url)
    {
        using var response = await client.GetAsync(url);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The pod named in a 200 "Hello from POD" answer; fails on anything else.</summary>
    private static async Task<string> PodAsync(HttpClient client, Uri url)
    {
        var (code, body) = await GetAsync(client, url);
        Assert.True(code == HttpStatusCode.OK, $"{url}: HTTP {(int)code}: {body}");
        Assert.StartsWith("Hello from ", body, StringComparison.Ordinal);
        return body["Hello from ".Length..body.IndexOf(' ', "Hello from ".Length)];
    }

    private static async Task WaitUntilAsync(long since, TimeSpan elapsed)
    {
        var left = elapsed - Stopwatch.GetElapsedTime(since);
        if (left > TimeSpan.Zero)
            await Task.Delay(left);
    }

    private static string Ms(long from, long? to) =>
        to is { } t ? Stopwatch.GetElapsedTime(from, t).TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) : "(never)";
}
