using System.Net.Http;
using Drover.Api;
using Drover.Api.Client;
using Drover.Testing;

namespace Drover.ControlPlane.Api.Tests;

/// <summary>
/// A DaemonSet with a bad field, created or written over a good one through droverd's HTTP API: 422 naming the field,
/// and nothing stored or changed (no new object, the old one at its resourceVersion and generation).
/// </summary>
[Trait("Category", "Process")]
public sealed class DaemonSetBadInputTests(DroverdFixture fixture) : IClassFixture<DroverdFixture>
{
    private readonly DroverClient _client = fixture.Server.Client();

    public static TheoryData<string, string, string> BadFields => new()
    {
        { "type: RollingUpdate", "type: Sometimes", "spec.updateStrategy.type" },
        { "type: RollingUpdate\n    rollingUpdate:\n      maxUnavailable: 1", "type: OnDelete\n    rollingUpdate:\n      maxUnavailable: 1", "spec.updateStrategy.rollingUpdate" },
        { "maxUnavailable: 1", "maxUnavailable: 0\n      maxSurge: 0", "spec.updateStrategy.rollingUpdate.maxUnavailable" },
        { "maxUnavailable: 1", "maxUnavailable: 1\n      maxSurge: 1", "spec.updateStrategy.rollingUpdate.maxSurge" },
        { "maxUnavailable: 1", "maxUnavailable: 150%", "spec.updateStrategy.rollingUpdate.maxUnavailable" },
        { "      labels:\n        app: log-collector", "      labels:\n        app: other", "spec.template.metadata.labels" },
        { "  selector:\n    matchLabels:\n      app: log-collector\n", "", "spec.selector" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public async Task Create_ExampleWithABadField_422NamingItAndNothingStored(string find, string replace, string field)
    {
        var ns = await TestNamespaces.CreateAsync(_client);

        var e = await Assert.ThrowsAsync<ApiClientException>(() =>
            _client.SendRawAsync(HttpMethod.Post, $"/apis/apps/v1/namespaces/{ns}/daemonsets", Manifests.Utf8(ExampleWith(find, replace)), "application/yaml"));

        Assert.Equal(422, e.Code);
        Assert.Contains(e.Status.Details!.Causes!, c => c.Field == field);
        Assert.Empty((await _client.ListAsync(ResourceTypes.DaemonSets, ns)).Items);
        Assert.Empty((await _client.ListAsync(ResourceTypes.ControllerRevisions, ns)).Items);
    }

    [Theory]
    [MemberData(nameof(BadFields))]
    [InlineData("      app: log-collector\n  updateStrategy", "      app: log-collector\n      tier: edge\n  updateStrategy", "spec.selector")]
    public async Task Update_ExampleWithABadField_422NamingItAndTheStoredOneUnchanged(string find, string replace, string field)
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await _client.SendRawAsync(HttpMethod.Post, $"/apis/apps/v1/namespaces/{ns}/daemonsets", Manifests.Utf8(ExampleWith("", "")), "application/yaml");
        // droverd's controller writes the status once (no nodes here); the write under test comes after it.
        var before = await Poll.UntilAsync(() => _client.GetAsync(ResourceTypes.DaemonSets, ns, "log-collector"), d => d.Status?.ObservedGeneration == 1, TimeSpan.FromSeconds(30), "the controller's status write");
        var body = ExampleWith(find, replace).Replace("  name: log-collector", $"  name: log-collector\n  resourceVersion: \"{before.Metadata.ResourceVersion}\"", StringComparison.Ordinal);

        var e = await Assert.ThrowsAsync<ApiClientException>(() =>
            _client.SendRawAsync(HttpMethod.Put, $"/apis/apps/v1/namespaces/{ns}/daemonsets/log-collector", Manifests.Utf8(body), "application/yaml"));

        Assert.Equal(422, e.Code);
        Assert.Contains(e.Status.Details!.Causes!, c => c.Field == field);
        var after = await _client.GetAsync(ResourceTypes.DaemonSets, ns, "log-collector");
        Assert.Equal((before.Metadata.ResourceVersion, before.Metadata.Generation), (after.Metadata.ResourceVersion, after.Metadata.Generation));
    }

    private static string ExampleWith(string find, string replace)
    {
        var example = Manifests.Seed("daemonset-collector.yaml");
        Assert.Contains(find, example, StringComparison.Ordinal);
        return find.Length == 0 ? example : example.Replace(find, replace, StringComparison.Ordinal);
    }
}
