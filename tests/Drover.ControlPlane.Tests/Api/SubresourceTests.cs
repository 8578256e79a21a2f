using System.Text;
using System.Text.Json;
using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Testing;
using Drover.Testing;

namespace Drover.ControlPlane.Api.Tests;

[Trait("Category", "Process")]
public sealed class SubresourceTests(DroverdFixture fixture) : IClassFixture<DroverdFixture>
{
    private readonly DroverClient _client = fixture.Server.Client();

    private async Task<Deployment> SeedAsync(string ns) =>
        (Deployment)await _client.CreateRawAsync(ResourceTypes.Deployments, ns, Manifests.Utf8(Manifests.Seed("seed-deployment.yaml")), "application/yaml");

    /// <summary>Read, change, write, again on a conflict: the deployment controller writes the same object meanwhile.</summary>
    private Task<Deployment> UpdateDeploymentAsync(string ns, Func<Deployment, Deployment> change, string? subresource = null) =>
        ConflictRetry.RetryOnConflictAsync(async _ =>
        {
            var current = await _client.GetAsync(ResourceTypes.Deployments, ns, "my-app");
            return await _client.UpdateAsync(ResourceTypes.Deployments, change(current), subresource);
        }, maxAttempts: 10);

    [Fact]
    public async Task Status_Put_ChangesOnlyStatusAndKeepsGeneration()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await SeedAsync(ns);
        var written = await UpdateDeploymentAsync(ns, d => d with
        {
            Spec = d.Spec with { Replicas = 9 },
            Status = new DeploymentStatus { ObservedGeneration = 1, Replicas = 3, ReadyReplicas = 2 },
        }, "status");
        Assert.Equal(2, written.Status!.ReadyReplicas);
        Assert.Equal(3, written.Spec.Replicas);
        Assert.Equal(1, written.Metadata.Generation);
    }

    [Fact]
    public async Task Update_Main_IgnoresStatusInBody()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await SeedAsync(ns);
        var written = await UpdateDeploymentAsync(ns, d => d with { Status = new DeploymentStatus { ReadyReplicas = 7 } });
        Assert.Null(written.Status?.ReadyReplicas);
    }

    [Fact]
    public async Task Status_Patch_MergesIntoStatus()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await SeedAsync(ns);
        var patched = await _client.PatchAsync(ResourceTypes.Deployments, ns, "my-app", """{"status":{"availableReplicas":3}}""", "status");
        Assert.Equal(3, patched.Status!.AvailableReplicas);
    }

    [Fact]
    public async Task Scale_GetAndPatch_ChangesReplicas()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await SeedAsync(ns);
        var path = DroverClient.ObjectPath(ResourceTypes.Deployments, ns, "my-app") + "/scale";
        using (var scale = JsonDocument.Parse(await _client.GetRawAsync(path)))
        {
            Assert.Equal("Scale", scale.RootElement.GetProperty("kind").GetString());
            Assert.Equal("autoscaling/v1", scale.RootElement.GetProperty("apiVersion").GetString());
            Assert.Equal(3, scale.RootElement.GetProperty("spec").GetProperty("replicas").GetInt32());
            Assert.Equal("app=my-app", scale.RootElement.GetProperty("status").GetProperty("selector").GetString());
        }
        await _client.SendRawAsync(System.Net.Http.HttpMethod.Patch, path, Encoding.UTF8.GetBytes("""{"spec":{"replicas":6}}"""), "application/merge-patch+json");
        var d = await _client.GetAsync(ResourceTypes.Deployments, ns, "my-app");
        Assert.Equal(6, d.Spec.Replicas);
        Assert.Equal(2, d.Metadata.Generation);

        var e = await Assert.ThrowsAsync<ApiClientException>(() => _client.SendRawAsync(System.Net.Http.HttpMethod.Patch, path, Encoding.UTF8.GetBytes("""{"spec":{"replicas":-1}}"""), "application/merge-patch+json"));
        Assert.Equal(422, e.Code);
    }

    [Fact]
    public async Task Scale_OnKindWithoutScale_NotFound()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap(ns, "c"));
        var e = await Assert.ThrowsAsync<ApiClientException>(() => _client.GetRawAsync(DroverClient.ObjectPath(ResourceTypes.ConfigMaps, ns, "c") + "/scale"));
        Assert.Equal(404, e.Code);
    }
}
