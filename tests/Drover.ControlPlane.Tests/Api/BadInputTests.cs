using System.Net.Http;
using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Testing;
using Drover.Testing;

namespace Drover.ControlPlane.Api.Tests;

/// <summary>Every bad body gets a clear 4xx naming what is wrong, and the store does not change.</summary>
[Trait("Category", "Process")]
public sealed class BadInputTests(DroverdFixture fixture) : IClassFixture<DroverdFixture>
{
    private readonly DroverClient _client = fixture.Server.Client();

    private async Task<ApiClientException> RejectedAsync(string ns, byte[] body, string contentType = "application/yaml", string path = "deployments")
    {
        var before = await _client.ListAsync(ResourceTypes.Deployments, ns);
        var e = await Assert.ThrowsAsync<ApiClientException>(() =>
            _client.SendRawAsync(HttpMethod.Post, $"/apis/apps/v1/namespaces/{ns}/{path}", body, contentType));
        var after = await _client.ListAsync(ResourceTypes.Deployments, ns);
        Assert.Equal(before.Items.Count, after.Items.Count);
        return e;
    }

    private static string SeedWith(string from, string to)
    {
        var seed = Manifests.Seed("seed-deployment.yaml");
        Assert.Contains(from, seed, StringComparison.Ordinal);
        return seed.Replace(from, to, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_MalformedYaml_400WithLineAndColumn()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var e = await RejectedAsync(ns, Manifests.Utf8("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: [oops\n"));
        Assert.Equal(400, e.Code);
        Assert.Matches("line \\d+, column \\d+", e.Message);
    }

    [Fact]
    public async Task Create_MalformedJson_400WithLineAndColumn()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var e = await RejectedAsync(ns, Manifests.Utf8("{\"apiVersion\": \"apps/v1\",\n \"kind\": \"Deployment\", \"metadata\": {"), "application/json");
        Assert.Equal(400, e.Code);
        Assert.Matches("line 2, column \\d+", e.Message);
    }

    [Fact]
    public async Task Create_UnknownKind_ListsKnownKinds()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var e = await RejectedAsync(ns, Manifests.Utf8("apiVersion: apps/v1\nkind: StatefulThing\nmetadata:\n  name: x\n"));
        Assert.Equal(422, e.Code);
        Assert.Contains("StatefulThing", e.Message, StringComparison.Ordinal);
        Assert.Contains("Deployment", e.Message, StringComparison.Ordinal);
        Assert.Contains("HorizontalPodAutoscaler", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WrongApiVersion_NamesApiVersion()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var e = await RejectedAsync(ns, Manifests.Utf8(SeedWith("apiVersion: apps/v1", "apiVersion: apps/v2")));
        Assert.Equal(422, e.Code);
        Assert.Equal("apiVersion", Assert.Single(e.Status.Details!.Causes!).Field);
        Assert.Contains("apps/v2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_InvalidQuantity_NamesFieldPath()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var e = await RejectedAsync(ns, Manifests.Utf8(SeedWith("cpu: \"250m\"", "cpu: \"250x\"")));
        Assert.Equal(422, e.Code);
        Assert.Equal("spec.template.spec.containers[0].resources.requests.cpu", e.Status.Details!.Causes![0].Field);
        Assert.Contains("250x", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_UnknownField_RejectedWithPath()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var e = await RejectedAsync(ns, Manifests.Utf8(SeedWith("replicas: 3", "replicas: 3\n  replica: 4")));
        // Kubernetes' strict decoding error: a 400 naming the field, as kubectl shows it.
        Assert.Equal(400, e.Code);
        Assert.Equal("Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.replica\"", e.Status.Message);
        Assert.Equal("spec.replica", e.Status.Details!.Causes![0].Field);
    }

    [Fact]
    public async Task Create_FieldValidationUnknownValue_400NamingTheParameter()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var before = await _client.ListAsync(ResourceTypes.Deployments, ns);
        var e = await Assert.ThrowsAsync<ApiClientException>(() =>
            _client.SendRawAsync(HttpMethod.Post, $"/apis/apps/v1/namespaces/{ns}/deployments?fieldValidation=Lenient", Manifests.Utf8(Manifests.Seed("seed-deployment.yaml")), "application/yaml"));
        Assert.Equal(400, e.Code);
        Assert.Contains("fieldValidation", e.Message, StringComparison.Ordinal);
        Assert.Contains("Lenient", e.Message, StringComparison.Ordinal);
        Assert.Equal(before.Items.Count, (await _client.ListAsync(ResourceTypes.Deployments, ns)).Items.Count);
    }

    [Fact]
    public async Task Create_OverMaxUnknownFieldsWithIgnore_400NamingTheLimit()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var extra = string.Concat(Enumerable.Range(0, InputLimits.MaxUnknownFields + 1).Select(i => $"\n  unknown{i}: 1"));
        var e = await Assert.ThrowsAsync<ApiClientException>(() =>
            _client.SendRawAsync(HttpMethod.Post, $"/apis/apps/v1/namespaces/{ns}/deployments?fieldValidation=Ignore", Manifests.Utf8(SeedWith("replicas: 3", "replicas: 3" + extra)), "application/yaml"));
        Assert.Equal(400, e.Code);
        Assert.Contains("MaxUnknownFields", e.Message, StringComparison.Ordinal);
        Assert.Empty((await _client.ListAsync(ResourceTypes.Deployments, ns)).Items);
    }

    [Fact]
    public async Task Create_RequestAboveLimit_Invalid422WithFieldPath()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var e = await RejectedAsync(ns, Manifests.Utf8(SeedWith("cpu: \"250m\"", "cpu: \"2\"")));
        Assert.Equal(422, e.Code);
        Assert.Equal("Invalid", e.Reason);
        Assert.Contains(e.Status.Details!.Causes!, c => c.Field == "spec.template.spec.containers[0].resources.requests.cpu");
    }

    [Fact]
    public async Task Create_NameOver253Characters_Invalid()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var e = await RejectedAsync(ns, Manifests.Utf8(SeedWith("name: my-app", "name: " + new string('a', 254))));
        Assert.Equal(422, e.Code);
        Assert.Contains(e.Status.Details!.Causes!, c => c.Field == "metadata.name");
    }

    [Fact]
    public async Task Create_BodyOver3MiB_413()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var big = SeedWith("name: my-app", "name: my-app\n  annotations:\n    big: \"" + new string('x', 3 * 1024 * 1024) + "\"");
        var e = await RejectedAsync(ns, Manifests.Utf8(big));
        Assert.Equal(413, e.Code);
        Assert.Equal("RequestEntityTooLarge", e.Reason);
    }

    [Fact]
    public async Task Create_InvalidUtf8_400()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var body = Manifests.Utf8("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"},\"data\":{\"k\":\"").Concat(new byte[] { 0xC3, 0x28 }).Concat(Manifests.Utf8("\"}}")).ToArray();
        var e = await RejectedAsync(ns, body, "application/json");
        Assert.Equal(400, e.Code);
        Assert.Contains("UTF-8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_KindDiffersFromUrl_400()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var e = await RejectedAsync(ns, Manifests.Utf8(Manifests.Seed("seed-service.yaml")));
        Assert.Equal(400, e.Code);
        Assert.Contains("Service", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_UnsupportedContentType_415()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var e = await RejectedAsync(ns, Manifests.Utf8("x"), "text/plain");
        Assert.Equal(415, e.Code);
    }

    [Fact]
    public async Task Request_UnknownPath_404Status()
    {
        var e = await Assert.ThrowsAsync<ApiClientException>(() => _client.GetRawAsync("/apis/apps/v1/namespaces/default/statefulsets"));
        Assert.Equal(404, e.Code);
        Assert.Equal("NotFound", e.Reason);
    }

    [Fact]
    public async Task Request_WrongMethod_405()
    {
        var e = await Assert.ThrowsAsync<ApiClientException>(() => _client.SendRawAsync(HttpMethod.Put, "/api/v1/namespaces/default/configmaps", Manifests.Utf8("{}"), "application/json"));
        Assert.Equal(405, e.Code);
    }
}
