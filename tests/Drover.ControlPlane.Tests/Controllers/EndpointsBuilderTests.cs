using Drover.Api;
using Drover.ControlPlane.Controllers;
using Drover.ControlPlane.Controllers.ServiceEndpoints;

namespace Drover.ControlPlane.Controllers.Tests;

public sealed class EndpointsBuilderTests
{
    private static Service Service(params ServicePort[] ports) => new()
    {
        Metadata = new ObjectMeta { Name = "web", Namespace = "ns" },
        Spec = new ServiceSpec { Selector = new() { ["app"] = "web" }, Ports = [.. ports] },
    };

    private static Pod Pod(string name, string? ip, bool ready, int? webPort = 8080, string? deleting = null, string phase = "Running", string? restartPolicy = null, string protocol = "TCP") => new()
    {
        Metadata = new ObjectMeta
        {
            Name = name,
            Namespace = "ns",
            Uid = "uid-" + name,
            DeletionTimestamp = deleting is null ? null : DateTimeOffset.Parse(deleting, System.Globalization.CultureInfo.InvariantCulture),
        },
        Spec = new PodSpec
        {
            NodeName = "node-1",
            RestartPolicy = restartPolicy,
            Containers = [new Container { Name = "app", Ports = webPort is null ? null : [new ContainerPort { Name = "web", Port = webPort.Value, Protocol = protocol }] }],
        },
        Status = new PodStatus { Phase = phase, PodIP = ip, Conditions = [new PodCondition { Type = "Ready", Status = ready ? "True" : "False" }] },
    };

    private static readonly ServicePort Http = new() { Name = "http", Port = 80, TargetPort = new IntOrString("web"), Protocol = "TCP" };
    private static readonly ServicePort Metrics = new() { Name = "metrics", Port = 9090, TargetPort = new IntOrString(9090), Protocol = "TCP" };

    [Fact]
    public void Build_ReadyAndNotReady_OneSubsetApart()
    {
        var subsets = EndpointsBuilder.Build(Service(Http), [Pod("b", "10.0.0.2", ready: false), Pod("a", "10.0.0.1", ready: true)]);

        var subset = Assert.Single(subsets);
        Assert.Equal("10.0.0.1", Assert.Single(subset.Addresses!).Ip);
        Assert.Equal("10.0.0.2", Assert.Single(subset.NotReadyAddresses!).Ip);
        var port = Assert.Single(subset.Ports!);
        Assert.Equal(("http", 8080, "TCP"), (port.Name, port.Port, port.Protocol));
        Assert.Equal(new ObjectReference { Kind = "Pod", Namespace = "ns", Name = "a", Uid = "uid-a" }, subset.Addresses![0].TargetRef);
        Assert.Equal("node-1", subset.Addresses[0].NodeName);
    }

    [Fact]
    public void Build_NamedPortNumberedDifferently_SubsetsPerAddressSetAsRepackSubsets()
    {
        var subsets = EndpointsBuilder.Build(Service(Http, Metrics),
            [Pod("a", "10.0.0.1", true, webPort: 8080), Pod("b", "10.0.0.2", true, webPort: 8081), Pod("c", "10.0.0.3", true, webPort: 8080)]);

        // Kubernetes groups ports by the exact set of addresses offering them.
        Assert.Equal(
            ["http:8080 10.0.0.1,10.0.0.3", "http:8081 10.0.0.2", "metrics:9090 10.0.0.1,10.0.0.2,10.0.0.3"],
            subsets.Select(s => $"{string.Join(",", s.Ports!.Select(p => $"{p.Name}:{p.Port}"))} {string.Join(",", s.Addresses!.Select(a => a.Ip))}"));
    }

    [Fact]
    public void Build_SamePortsEverywhere_OneSubset()
    {
        var subsets = EndpointsBuilder.Build(Service(Http, Metrics), [Pod("a", "10.0.0.1", true), Pod("b", "10.0.0.2", false)]);

        var subset = Assert.Single(subsets);
        Assert.Equal(["http:8080", "metrics:9090"], subset.Ports!.Select(p => $"{p.Name}:{p.Port}"));
        Assert.Equal("10.0.0.1", Assert.Single(subset.Addresses!).Ip);
        Assert.Equal("10.0.0.2", Assert.Single(subset.NotReadyAddresses!).Ip);
    }

    [Fact]
    public void Build_PodWithoutTheNamedPort_OnlyUnderTheNumberedPort()
    {
        var subsets = EndpointsBuilder.Build(Service(Http, Metrics), [Pod("a", "10.0.0.1", true), Pod("b", "10.0.0.2", true, webPort: null)]);

        Assert.Equal(
            ["http:8080 10.0.0.1", "metrics:9090 10.0.0.1,10.0.0.2"],
            subsets.Select(s => $"{string.Join(",", s.Ports!.Select(p => $"{p.Name}:{p.Port}"))} {string.Join(",", s.Addresses!.Select(a => a.Ip))}"));
    }

    [Fact]
    public void Build_TerminatingNoIpOrFinished_Excluded()
    {
        var subsets = EndpointsBuilder.Build(Service(Http),
        [
            Pod("deleting", "10.0.0.1", true, deleting: "2026-01-01T00:00:00Z"),
            Pod("no-ip", null, true),
            Pod("done", "10.0.0.3", false, phase: "Succeeded", restartPolicy: "Never"),
            Pod("live", "10.0.0.4", true),
        ]);

        Assert.Equal(["live"], Assert.Single(subsets).Addresses!.Select(a => a.TargetRef!.Name));
    }

    [Fact]
    public void Build_PublishNotReadyAddresses_AllReady()
    {
        var service = Service(Http);
        service = service with { Spec = service.Spec with { PublishNotReadyAddresses = true } };

        var subset = Assert.Single(EndpointsBuilder.Build(service, [Pod("a", "10.0.0.1", ready: false)]));

        Assert.Single(subset.Addresses!);
        Assert.Null(subset.NotReadyAddresses);
    }

    [Fact]
    public void Build_NamedPortOtherProtocol_NotMatched()
    {
        Assert.Empty(EndpointsBuilder.Build(Service(Http), [Pod("a", "10.0.0.1", true, protocol: "UDP")]));
    }

    [Fact]
    public void SameSubsets_SamePodsAnyOrder_Equal()
    {
        var one = EndpointsBuilder.Build(Service(Http, Metrics), [Pod("a", "10.0.0.1", true), Pod("b", "10.0.0.2", false, webPort: 8081)]);
        var two = EndpointsBuilder.Build(Service(Http, Metrics), [Pod("b", "10.0.0.2", false, webPort: 8081), Pod("a", "10.0.0.1", true)]);
        var three = EndpointsBuilder.Build(Service(Http, Metrics), [Pod("b", "10.0.0.2", true, webPort: 8081), Pod("a", "10.0.0.1", true)]);

        Assert.True(EndpointsBuilder.SameSubsets(one, two));
        Assert.False(EndpointsBuilder.SameSubsets(one, three));
    }
}
