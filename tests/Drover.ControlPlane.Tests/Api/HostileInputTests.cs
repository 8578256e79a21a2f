using System.Buffers.Text;
using System.Net.Http;
using System.Text;
using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Testing;
using Drover.Testing;

namespace Drover.ControlPlane.Api.Tests;

/// <summary>
/// The requests of issue 12 that took droverd down or past its checks, each a 4xx now, naming the limit or
/// the field, with the store unchanged and the server still serving.
/// </summary>
[Trait("Category", "Process")]
public sealed class HostileInputTests(DroverdFixture fixture) : IClassFixture<DroverdFixture>
{
    private readonly DroverClient _client = fixture.Server.Client(TimeSpan.FromSeconds(60));

    private async Task<ApiClientException> RefusedAsync(HttpMethod method, string path, byte[]? body, string? contentType = "application/yaml")
    {
        var e = await Assert.ThrowsAsync<ApiClientException>(() => _client.SendRawAsync(method, path, body, contentType));
        Assert.InRange(e.Code, 400, 499);
        Assert.False(fixture.Server.HasExited, "droverd exited:\n" + fixture.Server.Output);
        // Still serving.
        await _client.GetRawAsync("/version");
        return e;
    }

    private static byte[] Nested(int depth) =>
        Encoding.UTF8.GetBytes("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata: " + new string('[', depth) + new string(']', depth) + "\n");

    private async Task<(string Ns, ConfigMap Stored)> ConfigMapAsync()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var stored = await _client.CreateAsync(ResourceTypes.ConfigMaps,
            new ConfigMap { ApiVersion = "v1", Kind = "ConfigMap", Metadata = new ObjectMeta { Name = "cm", Namespace = ns }, Data = new() { ["k"] = "v" } });
        return (ns, stored);
    }

    private async Task AssertUnchangedAsync(string ns, ConfigMap stored)
    {
        var now = await _client.GetAsync(ResourceTypes.ConfigMaps, ns, "cm");
        Assert.Equal(stored.Metadata.ResourceVersion, now.Metadata.ResourceVersion);
        Assert.Equal("v", now.Data!["k"]);
    }

    [Theory]
    [InlineData(100_000)]
    [InlineData(5_000)]
    public async Task Create_YamlNestedDeep_400NamingMaxDepth(int depth)
    {
        var ns = await TestNamespaces.CreateAsync(_client);

        var e = await RefusedAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", Nested(depth));

        Assert.Equal(400, e.Code);
        Assert.Contains("MaxDepth = 64", e.Message, StringComparison.Ordinal);
        Assert.Contains("line 5", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateStatus_YamlNestedDeepForAnObjectThatDoesNotExist_400()
    {
        // The ingress's read-mostly identity could send this: the body is read before the object is looked up.
        var e = await RefusedAsync(HttpMethod.Put, "/apis/networking.k8s.io/v1/namespaces/default/ingresses/x/status", Nested(100_000));

        Assert.Equal(400, e.Code);
    }

    [Fact]
    public async Task Create_JsonNestedDeep_400NamingMaxDepth()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var json = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"deep\"},\"x\":" + new string('[', 100_000) + new string(']', 100_000) + "}";

        var e = await RefusedAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", Encoding.UTF8.GetBytes(json), "application/json");

        Assert.Equal(400, e.Code);
        Assert.Contains("MaxDepth", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_BillionLaughs_RefusedNamingTheLimit()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var yaml = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\n  annotations:\n    a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var c = 'b'; c <= 'i'; c++)
            yaml.Append("    ").Append(c).Append(": &").Append(c).Append(" [").Append(string.Join(',', Enumerable.Repeat("*" + (char)(c - 1), 9))).Append("]\n");

        var e = await RefusedAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", Encoding.UTF8.GetBytes(yaml.ToString()));

        Assert.True(e.Code is 400 or 413, e.Message);
        Assert.Matches("MaxNodes|MaxObjectBytes", e.Message);
    }

    [Theory]
    [InlineData("a%2500b")]
    [InlineData("a%2Fb")]
    [InlineData("a%252Fb")]
    public async Task Get_NameThatDecodesToControlOrSeparator_400(string name)
    {
        var e = await RefusedAsync(HttpMethod.Get, $"/api/v1/namespaces/default/configmaps/{name}", null, null);

        Assert.Equal(400, e.Code);
        Assert.Contains("invalid resource name", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_NameWithEncodedNul_RefusedAndServerServes()
    {
        // Kestrel itself refuses a request target that decodes to NUL (over HTTP/2 by resetting the stream).
        var e = await Assert.ThrowsAsync<ApiClientException>(() => _client.GetRawAsync("/api/v1/namespaces/default/configmaps/a%00b"));

        Assert.True(e.Code is 0 or 400, e.Message);
        Assert.False(fixture.Server.HasExited);
        await _client.GetRawAsync("/version");
    }

    [Fact]
    public async Task List_ContinueTokenWithNul_400NamingContinue()
    {
        var (ns, _) = await ConfigMapAsync();
        var token = Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"/registry/configmaps/{ns}/\0"));

        var e = await RefusedAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps?limit=1&continue={token}", null, null);

        Assert.Equal(400, e.Code);
        Assert.StartsWith("continue:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_ContinueTokenOfAnotherCollection_400()
    {
        var (ns, _) = await ConfigMapAsync();
        var token = Base64Url.EncodeToString(Encoding.UTF8.GetBytes("/registry/secrets/kube-system/x"));

        var e = await RefusedAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/configmaps?limit=1&continue={token}", null, null);

        Assert.Equal(400, e.Code);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-5")]
    [InlineData("123456789012345678901234567890")]
    [InlineData(" 7")]
    public async Task Update_MalformedResourceVersion_422NamingTheFieldAndNothingWritten(string resourceVersion)
    {
        var (ns, stored) = await ConfigMapAsync();
        var json = $$$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"{{{ns}}}","resourceVersion":"{{{resourceVersion}}}"},"data":{"k":"overwritten"}}""";

        var e = await RefusedAsync(HttpMethod.Put, $"/api/v1/namespaces/{ns}/configmaps/cm", Encoding.UTF8.GetBytes(json), "application/json");

        Assert.Equal(422, e.Code);
        Assert.Equal("metadata.resourceVersion", Assert.Single(e.Status.Details!.Causes!).Field);
        await AssertUnchangedAsync(ns, stored);
    }

    [Theory]
    [InlineData("apiVersion: v1\nkind: ConfigMap\nmetadata:\ndata: {k: overwritten}\n", "application/yaml")]
    [InlineData("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":null,\"data\":{\"k\":\"overwritten\"}}", "application/json")]
    public async Task Update_NullMetadata_ReadsAsEmptyMetadata_NameFromTheUrl(string body, string contentType)
    {
        // Found by ApiPropertyTests (seed 3MFdntZMPaf5): a null metadata reached the resourceVersion check as null → 500.
        // Go decodes null into an empty ObjectMeta; so does Drover, and the name comes from the URL.
        var (ns, _) = await ConfigMapAsync();

        await _client.SendRawAsync(HttpMethod.Put, $"/api/v1/namespaces/{ns}/configmaps/cm", Encoding.UTF8.GetBytes(body), contentType);

        var stored = await _client.GetAsync(ResourceTypes.ConfigMaps, ns, "cm");
        Assert.Equal("overwritten", ((ConfigMap)stored!).Data!["k"]);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-5")]
    [InlineData("123456789012345678901234567890")]
    public async Task Patch_MalformedResourceVersion_422AndNothingWritten(string resourceVersion)
    {
        var (ns, stored) = await ConfigMapAsync();
        var patch = $$$"""{"metadata":{"resourceVersion":"{{{resourceVersion}}}"},"data":{"k":"overwritten"}}""";

        var e = await RefusedAsync(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/cm", Encoding.UTF8.GetBytes(patch), "application/merge-patch+json");

        Assert.Equal(422, e.Code);
        Assert.Equal("metadata.resourceVersion", Assert.Single(e.Status.Details!.Causes!).Field);
        await AssertUnchangedAsync(ns, stored);
    }

    [Fact]
    public async Task Patch_StaleButWellFormedResourceVersion_StillA409()
    {
        var (ns, stored) = await ConfigMapAsync();
        var stale = long.Parse(stored.Metadata.ResourceVersion!, System.Globalization.CultureInfo.InvariantCulture) - 1;

        var e = await RefusedAsync(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/cm",
            Encoding.UTF8.GetBytes($$$"""{"metadata":{"resourceVersion":"{{{stale}}}"},"data":{"k":"x"}}"""), "application/merge-patch+json");

        Assert.Equal(409, e.Code);
        await AssertUnchangedAsync(ns, stored);
    }

    [Fact]
    public async Task ScaleUpdate_MalformedResourceVersion_422()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await _client.CreateRawAsync(ResourceTypes.Deployments, ns, Manifests.Utf8(Manifests.Seed("seed-deployment.yaml")), "application/yaml");
        var body = $$$"""{"apiVersion":"autoscaling/v1","kind":"Scale","metadata":{"name":"my-app","namespace":"{{{ns}}}","resourceVersion":"abc"},"spec":{"replicas":5}}""";

        var e = await RefusedAsync(HttpMethod.Put, $"/apis/apps/v1/namespaces/{ns}/deployments/my-app/scale", Encoding.UTF8.GetBytes(body), "application/json");

        Assert.Equal(422, e.Code);
        Assert.Contains("metadata.resourceVersion", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("configmaps?resourceVersion=abc", "resourceVersion")]
    [InlineData("configmaps?resourceVersion=-5", "resourceVersion")]
    [InlineData("configmaps?limit=-1", "limit")]
    [InlineData("configmaps?limit=99999999999999999999", "limit")]
    [InlineData("configmaps?limit=1&limit=2", "limit")]
    [InlineData("configmaps?watch=yes", "watch")]
    [InlineData("configmaps?watch=1&timeoutSeconds=99999999999", "timeoutSeconds")]
    [InlineData("configmaps?watch=1&timeoutSeconds=2147483647", "timeoutSeconds")]
    [InlineData("configmaps?watch=1&resourceVersion=123456789012345678901234567890", "resourceVersion")]
    [InlineData("configmaps?watch=1&allowWatchBookmarks=maybe", "allowWatchBookmarks")]
    [InlineData("configmaps?labelSelector=a%00b", "labelSelector")]
    public async Task List_MalformedNumericOrBooleanParameter_400NamingIt(string pathAndQuery, string parameter)
    {
        var (ns, _) = await ConfigMapAsync();

        var e = await RefusedAsync(HttpMethod.Get, $"/api/v1/namespaces/{ns}/{pathAndQuery}", null, null);

        Assert.Equal(400, e.Code);
        Assert.StartsWith(parameter + ":", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-5")]
    [InlineData("abc")]
    [InlineData("9223372036854775807")]
    public async Task Delete_MalformedGracePeriod_400AndNothingDeleted(string grace)
    {
        var (ns, stored) = await ConfigMapAsync();

        var e = await RefusedAsync(HttpMethod.Delete, $"/api/v1/namespaces/{ns}/configmaps/cm?gracePeriodSeconds={grace}", null, null);

        Assert.Equal(400, e.Code);
        Assert.Contains("gracePeriodSeconds", e.Message, StringComparison.Ordinal);
        await AssertUnchangedAsync(ns, stored);
    }

    [Fact]
    public async Task Patch_InvalidUtf8_400AndNothingStored()
    {
        var (ns, stored) = await ConfigMapAsync();
        var patch = Encoding.UTF8.GetBytes("{\"data\":{\"k\":\"").Concat(new byte[] { 0xC3, 0x28 }).Concat(Encoding.UTF8.GetBytes("\"}}")).ToArray();

        var e = await RefusedAsync(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/cm", patch, "application/merge-patch+json");

        Assert.Equal(400, e.Code);
        Assert.Contains("UTF-8", e.Message, StringComparison.Ordinal);
        await AssertUnchangedAsync(ns, stored);
    }

    [Fact]
    public async Task Patch_LoneSurrogateEscape_400AndNothingStored()
    {
        var (ns, stored) = await ConfigMapAsync();

        var e = await RefusedAsync(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/cm", Encoding.UTF8.GetBytes("{\"data\":{\"k\":\"\\ud800\"}}"), "application/merge-patch+json");

        Assert.Equal(400, e.Code);
        await AssertUnchangedAsync(ns, stored);
    }

    [Fact]
    public async Task Patch_DuplicateKeys_400()
    {
        var (ns, stored) = await ConfigMapAsync();

        var e = await RefusedAsync(HttpMethod.Patch, $"/api/v1/namespaces/{ns}/configmaps/cm", Encoding.UTF8.GetBytes("{\"data\":{\"k\":\"a\",\"k\":\"b\"}}"), "application/merge-patch+json");

        Assert.Equal(400, e.Code);
        await AssertUnchangedAsync(ns, stored);
    }

    [Fact]
    public async Task Create_MemoryOfNinesEi_422NamingTheField()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var yaml = Manifests.Seed("seed-deployment.yaml").Replace("memory: \"256Mi\"", "memory: \"99999999999999999999999999999Ei\"", StringComparison.Ordinal);

        var e = await RefusedAsync(HttpMethod.Post, $"/apis/apps/v1/namespaces/{ns}/deployments", Encoding.UTF8.GetBytes(yaml));

        Assert.Equal(422, e.Code);
        Assert.Equal("spec.template.spec.containers[0].resources.limits.memory", e.Status.Details!.Causes![0].Field);
    }
}
