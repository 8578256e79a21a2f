using System.Text;
using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Testing;
using Drover.Testing;

namespace Drover.ControlPlane.Api.Tests;

/// <summary>The field manager of non-apply writes through the API: who is recorded, through which subresource, and bad names refused.</summary>
[Trait("Category", "Process")]
public sealed class ManagedFieldsTests(DroverdFixture fixture) : IClassFixture<DroverdFixture>
{
    private readonly DroverClient _client = fixture.Server.Client();

    private static byte[] ConfigMap(string name) => Encoding.UTF8.GetBytes("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"},\"data\":{\"a\":\"one\"}}");

    /// <summary>The manager droverd derives from this process's User-Agent (the test host's name).</summary>
    private static string OwnManager => DroverClient.UserAgent.Split('/')[0];

    [Fact]
    public async Task Create_FieldManagerParameter_RecordedAsUpdateOwningEveryField()
    {
        var ns = await TestNamespaces.CreateAsync(_client);

        await _client.SendRawAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps?fieldManager=tool-a", ConfigMap("c"), "application/json");

        var entry = Assert.Single((await _client.GetAsync(ResourceTypes.ConfigMaps, ns, "c")).Metadata.ManagedFields!);
        Assert.Equal(("tool-a", "Update", "v1", null), (entry.Manager, entry.Operation, entry.ApiVersion, entry.Subresource));
        Assert.Equal("""{"f:data":{".":{},"f:a":{}}}""", entry.FieldsV1!.Value.GetRawText());
    }

    [Fact]
    public async Task PatchScale_NoFieldManager_UserAgentsProductWithSubresourceScale()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await _client.CreateRawAsync(ResourceTypes.Deployments, ns, Manifests.Utf8(Manifests.Seed("seed-deployment.yaml")), "application/yaml");

        await _client.PatchScaleAsync(ResourceTypes.Deployments, ns, "my-app", 5);

        var fields = (await _client.GetAsync(ResourceTypes.Deployments, ns, "my-app")).Metadata.ManagedFields!;
        var scale = Assert.Single(fields, f => f.Subresource == "scale");
        Assert.Equal((OwnManager, "Update", "apps/v1"), (scale.Manager, scale.Operation, scale.ApiVersion));
        Assert.Equal("""{"f:spec":{"f:replicas":{}}}""", scale.FieldsV1!.Value.GetRawText());
        Assert.DoesNotContain("f:replicas", Assert.Single(fields, f => f.Subresource is null).FieldsV1!.Value.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Patch_NothingChanged_ManagedFieldsAndResourceVersionKept()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var created = await _client.CreateRawAsync(ResourceTypes.ConfigMaps, ns, ConfigMap("same"), "application/json");

        var patched = await _client.PatchAsync(ResourceTypes.ConfigMaps, ns, "same", """{"data":{"a":"one"}}""");

        Assert.Equal(created.Metadata.ResourceVersion, patched.Metadata.ResourceVersion);
        Assert.Equal(OwnManager, Assert.Single(patched.Metadata.ManagedFields!).Manager);
    }

    [Theory]
    [InlineData("%E2%80%8Bbad", "fieldManager: Invalid value: \"\\u200bbad\": must only contain printable characters")]
    [InlineData("%01bad", "fieldManager: Invalid value: \"\u0001bad\": must not hold control characters")]
    [InlineData("x", "fieldManager: Too long: may not be more than 128 bytes")]
    public async Task Create_BadFieldManager_400NamingItAndNothingCreated(string manager, string message)
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        if (manager == "x")
            manager = new string('x', 129);

        var e = await Assert.ThrowsAsync<ApiClientException>(() =>
            _client.SendRawAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps?fieldManager={manager}", ConfigMap("bad"), "application/json"));

        Assert.Equal(400, e.Code);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Null(await _client.TryGetAsync(ResourceTypes.ConfigMaps, ns, "bad"));
    }
}
