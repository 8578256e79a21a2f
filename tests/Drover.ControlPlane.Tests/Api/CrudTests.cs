using System.Net.Http;
using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Testing;
using Drover.Testing;

namespace Drover.ControlPlane.Api.Tests;

[Trait("Category", "Process")]
public sealed class CrudTests(DroverdFixture fixture) : IClassFixture<DroverdFixture>
{
    private readonly DroverClient _client = fixture.Server.Client();

    [Fact]
    public async Task Create_SeedDeployment_StoresWithServerFieldsAndDefaults()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var created = (Deployment)await _client.CreateRawAsync(ResourceTypes.Deployments, ns, Manifests.Utf8(Manifests.Seed("seed-deployment.yaml")), "application/yaml");

        Assert.Equal("my-app", created.Metadata.Name);
        Assert.Equal(ns, created.Metadata.Namespace);
        Assert.False(string.IsNullOrEmpty(created.Metadata.Uid));
        Assert.NotNull(created.Metadata.CreationTimestamp);
        Assert.Equal(1, created.Metadata.Generation);
        Assert.True(long.Parse(created.Metadata.ResourceVersion!) > 0);
        Assert.Equal("RollingUpdate", created.Spec.Strategy?.Type);
        Assert.Equal("25%", created.Spec.Strategy?.RollingUpdate?.MaxSurge?.StringValue);
        Assert.Equal(10, created.Spec.RevisionHistoryLimit);
        Assert.Equal("250m", created.Spec.Template.Spec.Containers[0].Resources!.Requests!["cpu"].ToString());

        // The deployment controller writes status and the revision annotation right after: the version may move on.
        var read = await _client.GetAsync(ResourceTypes.Deployments, ns, "my-app");
        Assert.Equal(created.Metadata.Uid, read.Metadata.Uid);
        Assert.True(long.Parse(read.Metadata.ResourceVersion!) >= long.Parse(created.Metadata.ResourceVersion!));
        Assert.Equal(1, read.Metadata.Generation);
    }

    [Theory]
    [InlineData("{\"limits\":{\"cpu\":\"500m\",\"memory\":\"256Mi\"}}", "Guaranteed")]
    [InlineData("{\"requests\":{\"cpu\":\"250m\"},\"limits\":{\"cpu\":\"500m\",\"memory\":\"256Mi\"}}", "Burstable")]
    [InlineData("{}", "BestEffort")]
    public async Task Create_Pod_PendingWithQosClassFromResources(string resources, string qos)
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var json = $$$"""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"qos","namespace":"{{{ns}}}"},"spec":{"containers":[{"name":"app","image":"my-app:v1.0","resources":{{{resources}}}}]}}""";
        var pod = (Pod)ResourceTypes.Pods.Deserialize(System.Text.Encoding.UTF8.GetBytes(json));

        var created = await _client.CreateAsync(ResourceTypes.Pods, pod);

        Assert.Equal(("Pending", qos), (created.Status?.Phase, created.Status?.QosClass));
    }

    [Fact]
    public async Task Create_AllFourSeedManifests_Accepted()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        foreach (var (file, type) in new[] { ("seed-deployment.yaml", ResourceTypes.Deployments), ("seed-service.yaml", ResourceTypes.Services), ("seed-ingress.yaml", ResourceTypes.Ingresses), ("seed-hpa.yaml", (ResourceType)ResourceTypes.HorizontalPodAutoscalers) })
        {
            var created = await _client.CreateRawAsync(type, ns, Manifests.Utf8(Manifests.Seed(file)), "application/yaml");
            Assert.Equal(type.Kind, created.Kind);
        }
    }

    [Fact]
    public async Task Create_SameNameTwice_AlreadyExists409()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap(ns, "dup"));
        var e = await Assert.ThrowsAsync<ApiClientException>(() => _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap(ns, "dup")));
        Assert.Equal(409, e.Code);
        Assert.Equal("AlreadyExists", e.Reason);
    }

    [Fact]
    public async Task Update_SpecChange_BumpsGenerationAndResourceVersion()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var created = (Deployment)await _client.CreateRawAsync(ResourceTypes.Deployments, ns, Manifests.Utf8(Manifests.Seed("seed-deployment.yaml")), "application/yaml");
        var updated = await UpdateDeploymentAsync(ns, d => d with { Spec = d.Spec with { Replicas = 5 } });
        Assert.Equal(2, updated.Metadata.Generation);
        Assert.True(long.Parse(updated.Metadata.ResourceVersion!) > long.Parse(created.Metadata.ResourceVersion!));

        var relabelled = await UpdateDeploymentAsync(ns, d => d with { Metadata = d.Metadata with { Labels = new() { ["team"] = "edge" } } });
        Assert.Equal(2, relabelled.Metadata.Generation);
    }

    [Fact]
    public async Task Update_Unchanged_KeepsResourceVersion()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var created = await _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap(ns, "same"));
        var again = await _client.UpdateAsync(ResourceTypes.ConfigMaps, created);
        Assert.Equal(created.Metadata.ResourceVersion, again.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Update_StaleResourceVersion_Conflict409AndNothingChanges()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var created = await _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap(ns, "cm"));
        var first = await _client.UpdateAsync(ResourceTypes.ConfigMaps, created with { Data = new() { ["key"] = "first" } });

        var e = await Assert.ThrowsAsync<ApiClientException>(() => _client.UpdateAsync(ResourceTypes.ConfigMaps, created with { Data = new() { ["key"] = "stale" } }));
        Assert.Equal(409, e.Code);
        Assert.Equal("Conflict", e.Reason);
        var current = await _client.GetAsync(ResourceTypes.ConfigMaps, ns, "cm");
        Assert.Equal("first", current.Data!["key"]);
        Assert.Equal(first.Metadata.ResourceVersion, current.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Patch_MergePatch_AddsAndRemovesLabels()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap(ns, "p") with { Metadata = new ObjectMeta { Name = "p", Namespace = ns, Labels = new() { ["a"] = "1", ["b"] = "2" } } });
        var patched = await _client.PatchAsync(ResourceTypes.ConfigMaps, ns, "p", """{"metadata":{"labels":{"a":null,"c":"3"}}}""");
        Assert.Equal(new Dictionary<string, string> { ["b"] = "2", ["c"] = "3" }, patched.Metadata.Labels);
    }

    [Fact]
    public async Task Patch_InvalidResult_422AndNothingChanges()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var created = await _client.CreateRawAsync(ResourceTypes.Deployments, ns, Manifests.Utf8(Manifests.Seed("seed-deployment.yaml")), "application/yaml");
        var e = await Assert.ThrowsAsync<ApiClientException>(() => _client.PatchAsync(ResourceTypes.Deployments, ns, "my-app", """{"spec":{"replicas":-2}}"""));
        Assert.Equal(422, e.Code);
        Assert.Contains(e.Status.Details!.Causes!, c => c.Field == "spec.replicas");
        var after = await _client.GetAsync(ResourceTypes.Deployments, ns, "my-app");
        Assert.Equal(created.Metadata.Generation, after.Metadata.Generation);
        Assert.Equal(3, after.Spec.Replicas);
    }

    [Fact]
    public async Task Delete_Existing_GoneAfterwards()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap(ns, "gone"));
        await _client.DeleteAsync(ResourceTypes.ConfigMaps, ns, "gone");
        var e = await Assert.ThrowsAsync<ApiClientException>(() => _client.GetAsync(ResourceTypes.ConfigMaps, ns, "gone"));
        Assert.Equal(404, e.Code);
        Assert.Equal("NotFound", e.Reason);
    }

    [Fact]
    public async Task DeleteCollection_Selectors_DeletesTheMatchingAndAnswersTheirList()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        foreach (var (name, tier) in new[] { ("a", "web"), ("b", "db"), ("c", "web") })
            await _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap(ns, name) with { Metadata = new ObjectMeta { Name = name, Namespace = ns, Labels = new() { ["tier"] = tier } } });

        var dryRun = await _client.SendRawAsync(HttpMethod.Delete, $"/api/v1/namespaces/{ns}/configmaps?labelSelector=tier%3Dweb&dryRun=All", null, null);
        Assert.Equal(3, (await _client.ListAsync(ResourceTypes.ConfigMaps, ns, labelSelector: "tier")).Items.Count);
        var answer = ResourceTypes.ConfigMaps.DeserializeList(await _client.SendRawAsync(HttpMethod.Delete, $"/api/v1/namespaces/{ns}/configmaps?labelSelector=tier%3Dweb", null, null));

        Assert.Equal(["a", "c"], ResourceTypes.ConfigMaps.DeserializeList(dryRun).Items.Select(i => i.Metadata.Name));
        Assert.Equal(["a", "c"], answer.Items.Select(i => i.Metadata.Name));
        Assert.Equal(["b"], (await _client.ListAsync(ResourceTypes.ConfigMaps, ns, labelSelector: "tier")).Items.Select(i => i.Metadata.Name));
        var e = await Assert.ThrowsAsync<ApiClientException>(() => _client.SendRawAsync(HttpMethod.Delete, $"/api/v1/namespaces/{ns}/configmaps?fieldSelector=spec.bogus%3D1", null, null));
        Assert.Equal(400, e.Code);
    }

    [Fact]
    public async Task List_LabelAndFieldSelectors_FilterItems()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        foreach (var (name, tier) in new[] { ("a", "web"), ("b", "db"), ("c", "web") })
            await _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap(ns, name) with { Metadata = new ObjectMeta { Name = name, Namespace = ns, Labels = new() { ["tier"] = tier } } });

        var web = await _client.ListAsync(ResourceTypes.ConfigMaps, ns, labelSelector: "tier=web");
        Assert.Equal(["a", "c"], web.Items.Select(i => i.Metadata.Name));
        var notWeb = await _client.ListAsync(ResourceTypes.ConfigMaps, ns, labelSelector: "tier notin (web)");
        Assert.Equal(["b"], notWeb.Items.Select(i => i.Metadata.Name));
        var byName = await _client.ListAsync(ResourceTypes.ConfigMaps, ns, fieldSelector: "metadata.name=c");
        Assert.Equal(["c"], byName.Items.Select(i => i.Metadata.Name));
        var e = await Assert.ThrowsAsync<ApiClientException>(() => _client.ListAsync(ResourceTypes.ConfigMaps, ns, fieldSelector: "spec.bogus=1"));
        Assert.Equal(400, e.Code);
        Assert.Contains("spec.bogus", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_LimitAndContinue_PagesThroughEverything()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        for (var i = 0; i < 7; i++)
            await _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap(ns, $"cm-{i}"));
        var names = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await _client.ListAsync(ResourceTypes.ConfigMaps, ns, limit: 3, continueToken: token);
            names.AddRange(page.Items.Select(i => i.Metadata.Name!));
            token = page.Continue;
            pages++;
        }
        while (token is not null);
        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"cm-{i}"), names);
    }

    [Fact]
    public async Task List_AllNamespaces_IncludesEveryNamespace()
    {
        var ns1 = await TestNamespaces.CreateAsync(_client);
        var ns2 = await TestNamespaces.CreateAsync(_client);
        await _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap(ns1, "x"));
        await _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap(ns2, "x"));
        var all = await _client.ListAsync(ResourceTypes.ConfigMaps, null);
        Assert.Contains(all.Items, i => i.Metadata.Namespace == ns1);
        Assert.Contains(all.Items, i => i.Metadata.Namespace == ns2);
    }

    [Fact]
    public async Task Create_InMissingNamespace_NotFound()
    {
        var e = await Assert.ThrowsAsync<ApiClientException>(() => _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap("no-such-ns", "x")));
        Assert.Equal(404, e.Code);
        Assert.Contains("namespaces \"no-such-ns\" not found", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_GenerateName_GetsRandomSuffix()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var created = await _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap(ns, "") with { Metadata = new ObjectMeta { GenerateName = "gen-", Namespace = ns } });
        Assert.Matches("^gen-[a-z0-9]{5}$", created.Metadata.Name);
    }

    [Fact]
    public async Task Namespaces_DefaultsExistAtStart()
    {
        var list = await _client.ListAsync(ResourceTypes.Namespaces, null);
        foreach (var name in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
            Assert.Contains(list.Items, n => n.Metadata.Name == name);
    }

    /// <summary>Read, change, write, again on a conflict: the deployment controller writes the same object meanwhile.</summary>
    private Task<Deployment> UpdateDeploymentAsync(string ns, Func<Deployment, Deployment> change) =>
        ConflictRetry.RetryOnConflictAsync(async _ =>
        {
            var current = await _client.GetAsync(ResourceTypes.Deployments, ns, "my-app");
            return await _client.UpdateAsync(ResourceTypes.Deployments, change(current));
        }, maxAttempts: 10);
}
