using System.Diagnostics;
using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Testing;
using Drover.Testing;
using Drover.ControlPlane.Scheduling.Tests;

namespace Drover.ControlPlane.Controllers.Tests;

/// <summary>
/// The endpoints controller in a real droverd. Pods are created bound to a node name (no scheduler
/// involved) and their status is written as the agent would (<see cref="StandInNode.ReportPodAsync"/>).
/// </summary>
[Trait("Category", "Process")]
public sealed class EndpointsControllerTests(DroverdFixture fixture) : IClassFixture<DroverdFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly DroverClient _admin = fixture.Server.Client();

    private static Service WebService(string ns, Dictionary<string, string>? selector) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = new ObjectMeta { Name = "web", Namespace = ns },
        Spec = new ServiceSpec
        {
            Selector = selector,
            Ports =
            [
                new ServicePort { Name = "http", Port = 80, TargetPort = new IntOrString("web") },
                new ServicePort { Name = "metrics", Port = 9090, TargetPort = new IntOrString(9090) },
            ],
        },
    };

    private async Task WebPodAsync(string ns, string name, int webPort, string ip, bool ready, string app = "web")
    {
        await _admin.CreateAsync(ResourceTypes.Pods, TestPods.Pod(ns, name, nodeName: "ep-node", labels: new() { ["app"] = app },
            ports: [new ContainerPort { Name = "web", Port = webPort }]));
        await StandInNode.ReportPodAsync(_admin, ns, name, ip, ready);
    }

    private Task<Endpoints> EndpointsAsync(string ns, Func<Endpoints, bool> condition, string what) =>
        Poll.UntilAsync(async () => await _admin.TryGetAsync(ResourceTypes.Endpoints, ns, "web") ?? new Endpoints(), condition, Timeout, what);

    // A pod is listed once per subset it is in (once per distinct port set): count pods, not entries.
    private static IEnumerable<string?> Ready(Endpoints e) => (e.Subsets ?? []).SelectMany(s => s.Addresses ?? []).Select(a => a.TargetRef?.Name).Distinct().Order(StringComparer.Ordinal);

    private static IEnumerable<string?> NotReady(Endpoints e) => (e.Subsets ?? []).SelectMany(s => s.NotReadyAddresses ?? []).Select(a => a.TargetRef?.Name).Distinct().Order(StringComparer.Ordinal);

    [Fact]
    public async Task Endpoints_ReadyNotReadyAndNamedPorts_SubsetsAsKubernetes()
    {
        var ns = await TestNamespaces.CreateAsync(_admin);
        await WebPodAsync(ns, "web-a", 8080, "10.42.0.10", ready: true);
        await WebPodAsync(ns, "web-b", 8080, "10.42.0.11", ready: false);
        await WebPodAsync(ns, "web-c", 8081, "10.42.0.12", ready: true);
        await WebPodAsync(ns, "db", 5432, "10.42.0.13", ready: true, app: "db");
        var service = await _admin.CreateAsync(ResourceTypes.Services, WebService(ns, new() { ["app"] = "web" }));

        var endpoints = await EndpointsAsync(ns, e => Ready(e).Count() == 2 && NotReady(e).Count() == 1, "web-a and web-c ready, web-b not");

        Assert.Equal(["web-a", "web-c"], Ready(endpoints));
        Assert.Equal(["web-b"], NotReady(endpoints));
        // The named port resolves per pod (8080 or 8081); as Kubernetes' RepackSubsets does, each port goes
        // into the subset of exactly the addresses that offer it.
        Assert.Equal(3, endpoints.Subsets!.Count);
        var on8080 = Assert.Single(endpoints.Subsets, s => s.Ports!.Any(p => p.Port == 8080));
        Assert.Equal("http", Assert.Single(on8080.Ports!).Name);
        Assert.Equal("10.42.0.10", Assert.Single(on8080.Addresses!).Ip);
        Assert.Equal("10.42.0.11", Assert.Single(on8080.NotReadyAddresses!).Ip);
        var on8081 = Assert.Single(endpoints.Subsets, s => s.Ports!.Any(p => p.Port == 8081));
        var c = Assert.Single(on8081.Addresses!);
        Assert.Equal("10.42.0.12", c.Ip);
        Assert.Equal("ep-node", c.NodeName);
        Assert.Equal("Pod", c.TargetRef!.Kind);
        Assert.Equal(ns, c.TargetRef.Namespace);
        var metrics = Assert.Single(endpoints.Subsets, s => s.Ports!.Any(p => p.Port == 9090));
        Assert.Equal(["10.42.0.10", "10.42.0.12"], metrics.Addresses!.Select(a => a.Ip));
        Assert.Equal(["10.42.0.11"], metrics.NotReadyAddresses!.Select(a => a.Ip));
        var owner = Assert.Single(endpoints.Metadata.OwnerReferences!);
        Assert.Equal(service.Metadata.Uid, owner.Uid);
    }

    [Fact]
    public async Task Endpoints_ReadinessFlipsAndTermination_ReflectedWithinASecond()
    {
        var ns = await TestNamespaces.CreateAsync(_admin);
        await WebPodAsync(ns, "web-a", 8080, "10.42.1.10", ready: true);
        await WebPodAsync(ns, "web-b", 8080, "10.42.1.11", ready: false);
        await _admin.CreateAsync(ResourceTypes.Services, WebService(ns, new() { ["app"] = "web" }));
        await EndpointsAsync(ns, e => Ready(e).Count() == 1 && NotReady(e).Count() == 1, "one ready, one not");

        var clock = Stopwatch.StartNew();
        await StandInNode.ReportPodAsync(_admin, ns, "web-b", "10.42.1.11", ready: true);
        await EndpointsAsync(ns, e => Ready(e).Count() == 2 && !NotReady(e).Any(), "web-b ready");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"readiness took {clock.ElapsedMilliseconds} ms to reach the endpoints");

        clock.Restart();
        await StandInNode.ReportPodAsync(_admin, ns, "web-a", "10.42.1.10", ready: false);
        await EndpointsAsync(ns, e => Ready(e).SequenceEqual(["web-b"]) && NotReady(e).SequenceEqual(["web-a"]), "web-a not ready");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"unreadiness took {clock.ElapsedMilliseconds} ms to reach the endpoints");

        // Graceful deletion of a bound pod only marks it; a terminating pod leaves the endpoints at once.
        var marked = await _admin.DeleteAsync(ResourceTypes.Pods, ns, "web-b");
        Assert.NotNull(marked.Metadata.DeletionTimestamp);
        await EndpointsAsync(ns, e => !Ready(e).Any() && NotReady(e).SequenceEqual(["web-a"]), "terminating web-b gone");
    }

    [Fact]
    public async Task Endpoints_ServiceWithoutSelector_UserEndpointsLeftAlone()
    {
        var ns = await TestNamespaces.CreateAsync(_admin);
        await WebPodAsync(ns, "web-a", 8080, "10.42.2.10", ready: true);
        await _admin.CreateAsync(ResourceTypes.Services, WebService(ns, null));
        var mine = await _admin.CreateAsync(ResourceTypes.Endpoints, new Endpoints
        {
            ApiVersion = "v1",
            Kind = "Endpoints",
            Metadata = new ObjectMeta { Name = "web", Namespace = ns },
            Subsets = [new EndpointSubset { Addresses = [new EndpointAddress { Ip = "192.0.2.7" }], Ports = [new EndpointPort { Name = "http", Port = 80 }] }],
        });

        await Task.Delay(1500);
        var after = await _admin.GetAsync(ResourceTypes.Endpoints, ns, "web");
        Assert.Equal(mine.Metadata.ResourceVersion, after.Metadata.ResourceVersion);
        Assert.Equal("192.0.2.7", after.Subsets![0].Addresses![0].Ip);
    }

    [Fact]
    public async Task Endpoints_ServiceDeleted_EndpointsDeleted()
    {
        var ns = await TestNamespaces.CreateAsync(_admin);
        await WebPodAsync(ns, "web-a", 8080, "10.42.3.10", ready: true);
        await _admin.CreateAsync(ResourceTypes.Services, WebService(ns, new() { ["app"] = "web" }));
        await EndpointsAsync(ns, e => Ready(e).Count() == 1, "web-a ready");

        await _admin.DeleteAsync(ResourceTypes.Services, ns, "web");

        await Poll.UntilAsync(() => _admin.TryGetAsync(ResourceTypes.Endpoints, ns, "web"), e => e is null, Timeout, "the Endpoints deleted with their Service");
    }
}
