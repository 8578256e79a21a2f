using System.Text;
using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Testing;
using Drover.Testing;

namespace Drover.ControlPlane.Scheduling.Tests;

/// <summary>POST …/pods/NAME/binding: admins may bind, nodes may not, a pod is bound once.</summary>
[Trait("Category", "Process")]
public sealed class BindingTests(DroverdFixture fixture) : IClassFixture<DroverdFixture>
{
    private readonly DroverdProcess _server = fixture.Server;
    private readonly DroverClient _admin = fixture.Server.Client();

    /// <summary>A pod the default scheduler leaves alone, so the test does the binding.</summary>
    private async Task<Pod> ManualPodAsync(string ns, string name)
    {
        var pod = TestPods.Pod(ns, name);
        return await _admin.CreateAsync(ResourceTypes.Pods, pod with { Spec = pod.Spec with { SchedulerName = "manual" } });
    }

    private static Task<byte[]> BindAsync(DroverClient client, string ns, string pod, string node, string? uid = null)
    {
        var uidJson = uid is null ? "" : $",\"uid\":\"{uid}\"";
        var body = "{\"apiVersion\":\"v1\",\"kind\":\"Binding\",\"metadata\":{\"name\":\"" + pod + "\"" + uidJson + "},\"target\":{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"name\":\"" + node + "\"}}";
        return client.SendRawAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/pods/{pod}/binding", Encoding.UTF8.GetBytes(body), "application/json");
    }

    [Fact]
    public async Task Bind_Admin_SetsNodeNameAndPodScheduled()
    {
        var ns = await TestNamespaces.CreateAsync(_admin);
        await ManualPodAsync(ns, "p");

        var answer = Encoding.UTF8.GetString(await BindAsync(_admin, ns, "p", "edge-1"));

        Assert.Contains("\"status\":\"Success\"", answer, StringComparison.Ordinal);
        var pod = await _admin.GetAsync(ResourceTypes.Pods, ns, "p");
        Assert.Equal("edge-1", pod.Spec.NodeName);
        Assert.Equal("True", TestPods.Condition(pod, "PodScheduled")?.Status);
    }

    [Fact]
    public async Task Bind_AlreadyBound_409()
    {
        var ns = await TestNamespaces.CreateAsync(_admin);
        await ManualPodAsync(ns, "p");
        await BindAsync(_admin, ns, "p", "edge-1");

        var e = await Assert.ThrowsAsync<ApiClientException>(() => BindAsync(_admin, ns, "p", "edge-2"));

        Assert.Equal(409, e.Code);
        Assert.Contains("already assigned to node \"edge-1\"", e.Message, StringComparison.Ordinal);
        Assert.Equal("edge-1", (await _admin.GetAsync(ResourceTypes.Pods, ns, "p")).Spec.NodeName);
    }

    [Fact]
    public async Task Bind_NodeCredential_403()
    {
        var ns = await TestNamespaces.CreateAsync(_admin);
        await ManualPodAsync(ns, "p");
        var joinToken = File.ReadAllText(Path.Combine(_server.DataDirectory, "credentials/join-token")).Trim();
        var settings = await NodeJoiner.JoinAsync(new Uri($"https://127.0.0.1:{_server.Port}"), joinToken, "edge-greedy");
        using var node = _server.ClientWithToken(settings.Token);

        var e = await Assert.ThrowsAsync<ApiClientException>(() => BindAsync(node, ns, "p", "edge-greedy"));

        Assert.Equal(403, e.Code);
        Assert.Contains("cannot create resource \"pods/binding\"", e.Message, StringComparison.Ordinal);
        Assert.True(string.IsNullOrEmpty((await _admin.GetAsync(ResourceTypes.Pods, ns, "p")).Spec.NodeName));
    }

    [Fact]
    public async Task Bind_WrongUidOrBadTarget_Rejected()
    {
        var ns = await TestNamespaces.CreateAsync(_admin);
        await ManualPodAsync(ns, "p");

        Assert.Equal(409, (await Assert.ThrowsAsync<ApiClientException>(() => BindAsync(_admin, ns, "p", "edge-1", uid: "not-the-uid"))).Code);
        Assert.Equal(422, (await Assert.ThrowsAsync<ApiClientException>(() => BindAsync(_admin, ns, "p", "Not_A_Node"))).Code);
        Assert.Equal(404, (await Assert.ThrowsAsync<ApiClientException>(() => BindAsync(_admin, ns, "missing", "edge-1"))).Code);
        Assert.True(string.IsNullOrEmpty((await _admin.GetAsync(ResourceTypes.Pods, ns, "p")).Spec.NodeName));
    }
}
