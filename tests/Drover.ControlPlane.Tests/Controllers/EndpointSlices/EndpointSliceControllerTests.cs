using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Controllers.EndpointSlices;
using Drover.ControlPlane.Testing;
using Drover.Testing;
using Drover.ControlPlane.Scheduling.Tests;

namespace Drover.ControlPlane.Controllers.EndpointSlices.Tests;

/// <summary>The EndpointSlice controller in a real droverd; pod status written as the agent would.</summary>
[Trait("Category", "Process")]
public sealed class EndpointSliceControllerTests(DroverdFixture fixture) : IClassFixture<DroverdFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly DroverClient _admin = fixture.Server.Client();

    private static Service WebService(string ns) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = new ObjectMeta { Name = "web", Namespace = ns },
        Spec = new ServiceSpec { Selector = new() { ["app"] = "web" }, Ports = [new ServicePort { Name = "http", Port = 80, TargetPort = new IntOrString("web") }] },
    };

    private async Task WebPodAsync(string ns, string name, string ip, bool ready)
    {
        await _admin.CreateAsync(ResourceTypes.Pods, TestPods.Pod(ns, name, nodeName: "eps-node", labels: new() { ["app"] = "web" },
            ports: [new ContainerPort { Name = "web", Port = 8080 }]));
        await StandInNode.ReportPodAsync(_admin, ns, name, ip, ready);
    }

    private async Task<List<EndpointSlice>> SlicesAsync(string ns) =>
        [.. (await _admin.ListAsync(ResourceTypes.EndpointSlices, ns, labelSelector: WellKnownLabels.ServiceName + "=web")).Items.Cast<EndpointSlice>()];

    private static IEnumerable<string> Ready(IEnumerable<EndpointSlice> slices) =>
        slices.SelectMany(s => s.Endpoints ?? []).Where(e => e.Conditions?.Ready == true).Select(e => e.TargetRef!.Name!).Order(StringComparer.Ordinal);

    [Fact]
    public async Task Slices_FollowPodReadinessAndDeletion_OwnedByTheService()
    {
        var ns = await TestNamespaces.CreateAsync(_admin);
        await WebPodAsync(ns, "web-a", "10.42.0.20", ready: true);
        await WebPodAsync(ns, "web-b", "10.42.0.21", ready: false);
        var service = await _admin.CreateAsync(ResourceTypes.Services, WebService(ns));

        var slices = await Poll.UntilAsync(() => SlicesAsync(ns), s => s.Count == 1 && (s[0].Endpoints?.Count ?? 0) == 2, Timeout, "one slice with both pods");
        var slice = slices[0];
        Assert.Equal(["web-a"], Ready(slices));
        Assert.Equal("IPv4", slice.AddressType);
        Assert.Equal(8080, Assert.Single(slice.Ports!).Port);
        Assert.Equal("http", slice.Ports![0].Name);
        Assert.Equal(EndpointSliceBuilder.ControllerName, slice.Metadata.Labels![EndpointSliceBuilder.ManagedByLabel]);
        Assert.Equal(service.Metadata.Uid, Assert.Single(slice.Metadata.OwnerReferences!).Uid);

        await StandInNode.ReportPodAsync(_admin, ns, "web-b", "10.42.0.21", ready: true);
        await Poll.UntilAsync(() => SlicesAsync(ns), s => Ready(s).SequenceEqual(["web-a", "web-b"]), Timeout, "web-b ready");

        // A pod deleted with a grace period is terminating while its node stops it: in the slice, not ready.
        await _admin.DeleteAsync(ResourceTypes.Pods, ns, "web-a", gracePeriodSeconds: 30);
        slices = await Poll.UntilAsync(() => SlicesAsync(ns), s => s.SelectMany(x => x.Endpoints ?? []).Any(e => e.Conditions?.Terminating == true), Timeout, "web-a terminating");
        var terminating = slices.SelectMany(s => s.Endpoints!).Single(e => e.TargetRef!.Name == "web-a");
        Assert.Equal((false, true, true), (terminating.Conditions!.Ready, terminating.Conditions.Serving, terminating.Conditions.Terminating));

        await _admin.DeleteAsync(ResourceTypes.Pods, ns, "web-a", gracePeriodSeconds: 0);
        await Poll.UntilAsync(() => SlicesAsync(ns), s => s.SelectMany(x => x.Endpoints ?? []).Select(e => e.TargetRef!.Name).SequenceEqual(["web-b"]), Timeout, "only web-b left");
    }

    [Fact]
    public async Task Slices_TamperedSlice_RestoredAndServiceDeleted_SlicesCollected()
    {
        var ns = await TestNamespaces.CreateAsync(_admin);
        await WebPodAsync(ns, "web-a", "10.42.0.30", ready: true);
        await _admin.CreateAsync(ResourceTypes.Services, WebService(ns));
        var slice = (await Poll.UntilAsync(() => SlicesAsync(ns), s => Ready(s).Any(), Timeout, "a ready endpoint"))[0];

        await _admin.UpdateAsync(ResourceTypes.EndpointSlices, slice with { Endpoints = null });
        await Poll.UntilAsync(() => SlicesAsync(ns), s => Ready(s).SequenceEqual(["web-a"]), Timeout, "the slice restored");

        await _admin.DeleteAsync(ResourceTypes.Services, ns, "web");
        await Poll.UntilAsync(() => SlicesAsync(ns), s => s.Count == 0, Timeout, "slices gone with the service");
    }
}
