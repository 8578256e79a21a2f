using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Testing;
using Drover.Testing;

namespace Drover.ControlPlane.Api.Tests;

/// <summary>
/// What droverd answers before it would contact an agent: who may ask, which container, whether the pod's
/// node can serve logs at all. The proxying itself is tested against a real agent and containerd in
/// Drover.Agent.Tests (Logs/).
/// </summary>
[Trait("Category", "Process")]
public sealed class PodLogEndpointTests(DroverdFixture fixture) : IClassFixture<DroverdFixture>
{
    private readonly DroverClient _admin = fixture.Server.Client();

    private static Pod NewPod(string name, string? nodeName, params string[] containers) => new()
    {
        ApiVersion = "v1",
        Kind = "Pod",
        Metadata = new ObjectMeta { Name = name, Namespace = "default" },
        Spec = new PodSpec { NodeName = nodeName, Containers = [.. containers.Select(c => new Container { Name = c, Image = "my-app:v1.0" })] },
    };

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private async Task<ApiClientException> RefusedAsync(string path, DroverClient? client = null)
    {
        return await Assert.ThrowsAsync<ApiClientException>(async () =>
        {
            using var body = await (client ?? _admin).GetStreamAsync(path);
        });
    }

    private async Task<Pod> CreatePodAsync(string? nodeName, params string[] containers) =>
        await _admin.CreateAsync(ResourceTypes.Pods, NewPod(Unique("logs"), nodeName, containers));

    [Fact]
    public async Task GetLog_UnknownPod_404()
    {
        var e = await RefusedAsync(DroverClient.PodLogPath("default", "no-such-pod"));

        Assert.Equal(404, e.Code);
        Assert.Equal("pods \"no-such-pod\" not found", e.Message);
    }

    [Fact]
    public async Task GetLog_SeveralContainersNoneNamed_400ListsThem()
    {
        var pod = await CreatePodAsync("some-node", "web", "sidecar");

        var e = await RefusedAsync(DroverClient.PodLogPath("default", pod.Metadata.Name!));

        Assert.Equal(400, e.Code);
        Assert.Equal($"a container name must be specified for pod {pod.Metadata.Name}, choose one of: [web sidecar]", e.Message);
    }

    [Fact]
    public async Task GetLog_ContainerNotInPod_400()
    {
        var pod = await CreatePodAsync("some-node", "web");

        var e = await RefusedAsync(DroverClient.PodLogPath("default", pod.Metadata.Name!, container: "db"));

        Assert.Equal(400, e.Code);
        Assert.Equal($"container db is not valid for pod {pod.Metadata.Name}; choose one of: [web]", e.Message);
    }

    [Fact]
    public void ChooseContainer_InitContainerNamed_Accepted_OnlyAppContainerIsTheDefault()
    {
        var pod = new Pod
        {
            Metadata = new ObjectMeta { Name = "with-init" },
            Spec = new PodSpec { InitContainers = [new Container { Name = "setup", Image = "x" }], Containers = [new Container { Name = "web", Image = "x" }] },
        };

        Assert.Equal("setup", PodLogEndpoint.ChooseContainer(pod, "setup"));
        Assert.Equal("web", PodLogEndpoint.ChooseContainer(pod, null));
        var e = Assert.Throws<ApiException>(() => PodLogEndpoint.ChooseContainer(pod, "db"));
        Assert.Equal("container db is not valid for pod with-init; choose one of: [setup web]", e.Status.Message);
    }

    [Fact]
    public async Task GetLog_BadTailLines_400StatusNamingParameter()
    {
        var pod = await CreatePodAsync("some-node", "web");

        var e = await RefusedAsync($"/api/v1/namespaces/default/pods/{pod.Metadata.Name}/log?tailLines=ten");

        Assert.Equal(400, e.Code);
        Assert.Equal("BadRequest", e.Reason);
        Assert.Equal("tailLines: Invalid value: \"ten\": must be a whole number", e.Message);
        Assert.Equal("tailLines", Assert.Single(e.Status.Details!.Causes!).Field);
    }

    [Fact]
    public async Task GetLog_PodNotBound_400SaysSo()
    {
        var pod = await CreatePodAsync(null, "web");

        var e = await RefusedAsync(DroverClient.PodLogPath("default", pod.Metadata.Name!));

        Assert.Equal(400, e.Code);
        Assert.Contains($"pod {pod.Metadata.Name} does not have a host assigned", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetLog_NodeNotRegistered_400NamesNode()
    {
        var pod = await CreatePodAsync("ghost-node", "web");

        var e = await RefusedAsync(DroverClient.PodLogPath("default", pod.Metadata.Name!));

        Assert.Equal(400, e.Code);
        Assert.Contains("node ghost-node, which is not registered", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetLog_NodeWithoutLogPort_400SaysItServesNoLogs()
    {
        var nodeName = Unique("quiet");
        var node = await _admin.CreateAsync(ResourceTypes.Nodes, new Node { ApiVersion = "v1", Kind = "Node", Metadata = new ObjectMeta { Name = nodeName } });
        await _admin.UpdateAsync(ResourceTypes.Nodes, node with
        {
            Status = new NodeStatus { Addresses = [new NodeAddress { Type = "InternalIP", Address = "192.0.2.10" }] },
        }, "status");
        var pod = await CreatePodAsync(nodeName, "web");

        var e = await RefusedAsync(DroverClient.PodLogPath("default", pod.Metadata.Name!));

        Assert.Equal(400, e.Code);
        Assert.Contains($"node {nodeName} does not serve container logs", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetLog_NodeWithoutAddress_400SaysSo()
    {
        var nodeName = Unique("fresh");
        await _admin.CreateAsync(ResourceTypes.Nodes, new Node { ApiVersion = "v1", Kind = "Node", Metadata = new ObjectMeta { Name = nodeName } });
        var pod = await CreatePodAsync(nodeName, "web");

        var e = await RefusedAsync(DroverClient.PodLogPath("default", pod.Metadata.Name!));

        Assert.Equal(400, e.Code);
        Assert.Contains($"node {nodeName} has no InternalIP address yet", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetLog_NodeCredential_403AsForAnyPodLog()
    {
        var nodeName = Unique("edge");
        var joinToken = File.ReadAllText(Path.Combine(fixture.Server.DataDirectory, "credentials", "join-token")).Trim();
        var settings = await NodeJoiner.JoinAsync(new Uri($"https://127.0.0.1:{fixture.Server.Port}"), joinToken, nodeName);
        using var nodeClient = fixture.Server.ClientWithToken(settings.Token);
        // Even a pod bound to this very node: a kubelet does not read logs through the API.
        var pod = await CreatePodAsync(nodeName, "web");

        var e = await RefusedAsync(DroverClient.PodLogPath("default", pod.Metadata.Name!), nodeClient);

        Assert.Equal(403, e.Code);
        Assert.Equal("Forbidden", e.Reason);
        Assert.Equal($"pods \"{pod.Metadata.Name}\" is forbidden: User \"system:node:{nodeName}\" cannot get resource \"pods/log\" in API group \"\" in the namespace \"default\"", e.Message);
    }

    [Fact]
    public async Task PostLog_MethodNotAllowed()
    {
        var pod = await CreatePodAsync("some-node", "web");

        var e = await Assert.ThrowsAsync<ApiClientException>(() =>
            _admin.SendRawAsync(HttpMethod.Post, $"/api/v1/namespaces/default/pods/{pod.Metadata.Name}/log", [], "application/json"));

        Assert.Equal(405, e.Code);
    }
}
