using Drover.Api;
using Drover.ControlPlane.Controllers.EndpointSlices;

namespace Drover.ControlPlane.Controllers.EndpointSlices.Tests;

public sealed class EndpointSliceBuilderTests
{
    private static readonly ServicePort Http = new() { Name = "http", Port = 80, TargetPort = new IntOrString("web"), Protocol = "TCP" };

    private static Service Service(bool publishNotReady = false) => new()
    {
        Metadata = new ObjectMeta { Name = "web", Namespace = "ns" },
        Spec = new ServiceSpec { Selector = new() { ["app"] = "web" }, Ports = [Http], PublishNotReadyAddresses = publishNotReady },
    };

    private static Pod Pod(string name, string? ip, bool ready, int webPort = 8080, bool deleting = false) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = "ns", Uid = "uid-" + name, DeletionTimestamp = deleting ? DateTimeOffset.UnixEpoch : null },
        Spec = new PodSpec { NodeName = "node-1", Containers = [new Container { Name = "app", Ports = [new ContainerPort { Name = "web", Port = webPort }] }] },
        Status = new PodStatus { Phase = "Running", PodIP = ip, Conditions = [new PodCondition { Type = "Ready", Status = ready ? "True" : "False" }] },
    };

    private static (bool?, bool?, bool?) Conditions(SliceEndpoint e) => (e.Conditions!.Ready, e.Conditions.Serving, e.Conditions.Terminating);

    [Fact]
    public void Build_ReadyNotReadyTerminating_ConditionsAsKubernetes()
    {
        var slice = Assert.Single(EndpointSliceBuilder.Build(Service(), [
            Pod("c", "10.0.0.3", ready: true, deleting: true),
            Pod("b", "10.0.0.2", ready: false),
            Pod("a", "10.0.0.1", ready: true),
            Pod("no-ip", null, ready: true),
        ]));

        Assert.Equal(["10.0.0.1", "10.0.0.2", "10.0.0.3"], slice.Endpoints.Select(e => e.Addresses.Single()));
        Assert.Equal((true, true, false), Conditions(slice.Endpoints[0]));
        Assert.Equal((false, false, false), Conditions(slice.Endpoints[1]));
        // Terminating but still serving: no new connections, existing ones drain.
        Assert.Equal((false, true, true), Conditions(slice.Endpoints[2]));
        Assert.Equal(8080, Assert.Single(slice.Ports).Port);
        Assert.Equal("node-1", slice.Endpoints[0].NodeName);
        Assert.Equal("uid-a", slice.Endpoints[0].TargetRef!.Uid);
    }

    [Fact]
    public void Build_PublishNotReadyAddresses_AllReady()
    {
        var slice = Assert.Single(EndpointSliceBuilder.Build(Service(publishNotReady: true), [Pod("b", "10.0.0.2", ready: false)]));

        Assert.Equal((true, true, false), Conditions(Assert.Single(slice.Endpoints)));
    }

    [Fact]
    public void Build_PodsResolvingPortsDifferently_OneSlicePerPortSet_StableNames()
    {
        var pods = new[] { Pod("a", "10.0.0.1", true, 8080), Pod("b", "10.0.0.2", true, 8081), Pod("c", "10.0.0.3", true, 8080) };

        var slices = EndpointSliceBuilder.Build(Service(), pods);
        var again = EndpointSliceBuilder.Build(Service(), pods.Reverse());

        Assert.Equal(2, slices.Count);
        Assert.Equal(slices.Select(s => s.Name), again.Select(s => s.Name));
        Assert.All(slices, s => Assert.StartsWith("web-", s.Name, StringComparison.Ordinal));
        Assert.Equal(["10.0.0.1", "10.0.0.3"], Assert.Single(slices, s => s.Ports[0].Port == 8080).Endpoints.Select(e => e.Addresses[0]));
    }

    [Fact]
    public void Build_MoreThanAHundredPods_ChunkedByAHundred()
    {
        var pods = Enumerable.Range(1, 250).Select(i => Pod($"p{i}", $"10.0.{i / 200}.{i % 200}", ready: true));

        var slices = EndpointSliceBuilder.Build(Service(), pods);

        Assert.Equal([100, 100, 50], slices.Select(s => s.Endpoints.Count));
        Assert.Equal(3, slices.Select(s => s.Name).Distinct().Count());
    }

    [Fact]
    public void Build_NoPods_OneEmptySlice()
    {
        var slice = Assert.Single(EndpointSliceBuilder.Build(Service(), []));

        Assert.Empty(slice.Endpoints);
    }
}
