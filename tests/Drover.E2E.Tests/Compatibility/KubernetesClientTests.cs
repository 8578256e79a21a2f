using k8s;
using k8s.Models;

using Drover.Testing;

namespace Drover.E2E.Compatibility.Tests;

/// <summary>
/// The official .NET client (KubernetesClient on NuGet) against a real droverd, configured from the kubeconfig
/// droverd writes: version, create, list, get, watch, patch (strategic) and delete, as a user's program would.
/// </summary>
[Collection(KubectlCollection.Name)]
[Trait("Category", "Process")]
public sealed class KubernetesClientTests(DroverdFixture fixture) : IDisposable
{
    private readonly Kubernetes _client = new(KubernetesClientConfiguration.BuildConfigFromConfigFile(fixture.Server.ClientConfigPath));

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task GetCode_Version_ReadsEveryField()
    {
        var version = await _client.Version.GetCodeAsync();

        Assert.Equal("1", version.Major);
        Assert.Equal("32", version.Minor);
        Assert.StartsWith("v1.32.", version.GitVersion, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(version.Platform));
    }

    [Fact]
    public async Task CreateListWatchPatchDelete_ConfigMaps_BehaveAsAgainstKubernetes()
    {
        var ns = await TestNamespaces.CreateAsync(fixture.Server.Client());
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var seen = new List<(WatchEventType Type, string Name, string? Value)>();
        var sawModified = new TaskCompletionSource();
        // From the empty namespace's list revision, as an informer starts: a watch without one starts whenever its
        // request arrives, and one that arrived after the patch would see the object Added as "b" and never Modified.
        var empty = await _client.CoreV1.ListNamespacedConfigMapAsync(ns, cancellationToken: cancel.Token);
        var watching = Task.Run(async () =>
        {
            await foreach (var (type, item) in _client.CoreV1.WatchListNamespacedConfigMapAsync(ns, resourceVersion: empty.Metadata.ResourceVersion, cancellationToken: cancel.Token))
            {
                lock (seen)
                    seen.Add((type, item.Metadata.Name, (item.Data is { } data && data.TryGetValue("mode", out var mode) ? mode : null)));
                if (type == WatchEventType.Modified)
                    sawModified.TrySetResult();
            }
        }, cancel.Token);

        var created = await _client.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "settings", Labels = new Dictionary<string, string> { ["app"] = "edge" } }, Data = new Dictionary<string, string> { ["mode"] = "a" } },
            ns, cancellationToken: cancel.Token);
        Assert.False(string.IsNullOrEmpty(created.Metadata.Uid));

        var list = await _client.CoreV1.ListNamespacedConfigMapAsync(ns, labelSelector: "app=edge", cancellationToken: cancel.Token);
        Assert.Equal("settings", Assert.Single(list.Items).Metadata.Name);
        Assert.False(string.IsNullOrEmpty(list.Metadata.ResourceVersion));

        var patch = new V1Patch("""{"data":{"mode":"b"}}""", V1Patch.PatchType.StrategicMergePatch);
        var patched = await _client.CoreV1.PatchNamespacedConfigMapAsync(patch, "settings", ns, cancellationToken: cancel.Token);
        Assert.Equal("b", patched.Data["mode"]);

        await sawModified.Task.WaitAsync(cancel.Token);
        await _client.CoreV1.DeleteNamespacedConfigMapAsync("settings", ns, cancellationToken: cancel.Token);
        await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => _client.CoreV1.ReadNamespacedConfigMapAsync("settings", ns, cancellationToken: cancel.Token));
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => watching);

        lock (seen)
        {
            Assert.Contains((WatchEventType.Added, "settings", "a"), seen);
            Assert.Contains((WatchEventType.Modified, "settings", "b"), seen);
        }
    }

    [Fact]
    public async Task ListAndPatch_Deployment_StrategicMergeKeepsOtherContainers()
    {
        var ns = await TestNamespaces.CreateAsync(fixture.Server.Client());
        var deployment = new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = "two" },
            Spec = new V1DeploymentSpec
            {
                Replicas = 1,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "two" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "two" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "a", Image = "a:1" }, new V1Container { Name = "b", Image = "b:1" }] },
                },
            },
        };
        await _client.AppsV1.CreateNamespacedDeploymentAsync(deployment, ns);

        var patch = new V1Patch("""{"spec":{"template":{"spec":{"containers":[{"name":"b","image":"b:2"}]}}}}""", V1Patch.PatchType.StrategicMergePatch);
        var patched = await _client.AppsV1.PatchNamespacedDeploymentAsync(patch, "two", ns);

        Assert.Equal(["a:1", "b:2"], patched.Spec.Template.Spec.Containers.Select(c => c.Image));
        var listed = await _client.AppsV1.ListNamespacedDeploymentAsync(ns);
        Assert.Equal("two", Assert.Single(listed.Items).Metadata.Name);
    }

    [Fact]
    public async Task DeleteCollection_LabelSelector_DeletesOnlyTheMatchingConfigMaps()
    {
        var ns = await TestNamespaces.CreateAsync(fixture.Server.Client());
        foreach (var (name, tier) in new[] { ("a", "web"), ("b", "db"), ("c", "web") })
            await _client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["tier"] = tier } } }, ns);

        await _client.CoreV1.DeleteCollectionNamespacedConfigMapAsync(ns, labelSelector: "tier=web");

        var left = await _client.CoreV1.ListNamespacedConfigMapAsync(ns);
        Assert.Equal(["b"], left.Items.Select(i => i.Metadata.Name).Where(n => n != "kube-root-ca.crt"));
    }
}
