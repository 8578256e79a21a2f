using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Testing;
using Drover.Testing;

namespace Drover.ControlPlane.Api.Tests;

[Trait("Category", "Process")]
public sealed class GarbageCollectionTests(DroverdFixture fixture) : IClassFixture<DroverdFixture>
{
    private readonly DroverClient _client = fixture.Server.Client();

    private static OwnerReference OwnedBy(KubeObject owner) => new()
    {
        ApiVersion = owner.ApiVersion!,
        Kind = owner.Kind!,
        Name = owner.Metadata.Name!,
        Uid = owner.Metadata.Uid!,
        Controller = true,
    };

    private async Task<bool> EventuallyGoneAsync(ResourceType type, string ns, string name)
    {
        for (var i = 0; i < 100; i++)
        {
            if (await _client.TryGetAsync(type, ns, name) is null)
                return true;
            await Task.Delay(100);
        }
        return false;
    }

    [Fact]
    public async Task Delete_Owner_DependentsCollectedInCascade()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var deployment = await _client.CreateRawAsync(ResourceTypes.Deployments, ns, Manifests.Utf8(Manifests.Seed("seed-deployment.yaml")), "application/yaml");
        var child = await _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap(ns, "child", [OwnedBy(deployment)]));
        await _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap(ns, "grandchild", [OwnedBy(child)]));
        await _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap(ns, "bystander"));

        await _client.DeleteAsync(ResourceTypes.Deployments, ns, "my-app");

        Assert.True(await EventuallyGoneAsync(ResourceTypes.ConfigMaps, ns, "child"));
        Assert.True(await EventuallyGoneAsync(ResourceTypes.ConfigMaps, ns, "grandchild"));
        Assert.NotNull(await _client.TryGetAsync(ResourceTypes.ConfigMaps, ns, "bystander"));
    }

    [Fact]
    public async Task Delete_OwnerWithOrphanPolicy_DependentKeptWithoutReference()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var owner = await _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap(ns, "owner"));
        await _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap(ns, "kept", [OwnedBy(owner)]));

        await _client.DeleteAsync(ResourceTypes.ConfigMaps, ns, "owner", propagationPolicy: "Orphan");
        // The owner goes once the collector has released its dependents and removed its orphan finalizer.
        Assert.True(await EventuallyGoneAsync(ResourceTypes.ConfigMaps, ns, "owner"));
        await Task.Delay(1000);

        var kept = await _client.GetAsync(ResourceTypes.ConfigMaps, ns, "kept");
        Assert.Null(kept.Metadata.OwnerReferences);
    }

    [Fact]
    public async Task Delete_OrphanPolicyWithAnotherFinalizer_MarkedWithOrphanFinalizerUntilTheOtherIsRemoved()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var owner = await _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap(ns, "owner") with
        {
            Metadata = new ObjectMeta { Name = "owner", Namespace = ns, Finalizers = ["example.com/hold"] },
        });
        await _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap(ns, "kept", [OwnedBy(owner)]));

        await _client.DeleteAsync(ResourceTypes.ConfigMaps, ns, "owner", propagationPolicy: "Orphan");

        // The collector releases the dependent and takes its own finalizer off; the other one keeps the owner marked.
        var marked = await Poll.UntilAsync(() => _client.GetAsync(ResourceTypes.ConfigMaps, ns, "owner"),
            o => o.Metadata.Finalizers is ["example.com/hold"], "the orphan finalizer to be removed");
        Assert.NotNull(marked.Metadata.DeletionTimestamp);
        Assert.Null((await _client.GetAsync(ResourceTypes.ConfigMaps, ns, "kept")).Metadata.OwnerReferences);
        await _client.UpdateAsync(ResourceTypes.ConfigMaps, marked with { Metadata = marked.Metadata with { Finalizers = null } });
        Assert.True(await EventuallyGoneAsync(ResourceTypes.ConfigMaps, ns, "owner"));
    }

    [Fact]
    public async Task Delete_OneOfTwoOwners_DependentKept()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var a = await _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap(ns, "a"));
        var b = await _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap(ns, "b"));
        await _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap(ns, "shared", [OwnedBy(a), OwnedBy(b) with { Controller = null }]));
        await _client.DeleteAsync(ResourceTypes.ConfigMaps, ns, "a");
        await Task.Delay(1000);
        Assert.NotNull(await _client.TryGetAsync(ResourceTypes.ConfigMaps, ns, "shared"));
        await _client.DeleteAsync(ResourceTypes.ConfigMaps, ns, "b");
        Assert.True(await EventuallyGoneAsync(ResourceTypes.ConfigMaps, ns, "shared"));
    }

    [Fact]
    public async Task Delete_Namespace_ContentsDeleted()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await _client.CreateAsync(ResourceTypes.ConfigMaps, Manifests.ConfigMap(ns, "inside"));
        await _client.DeleteAsync(ResourceTypes.Namespaces, null, ns);
        for (var i = 0; i < 100 && (await _client.ListAsync(ResourceTypes.ConfigMaps, ns)).Items.Count > 0; i++)
            await Task.Delay(100);
        Assert.Empty((await _client.ListAsync(ResourceTypes.ConfigMaps, ns)).Items);
    }

    [Fact]
    public async Task Delete_PodBoundToNode_MarkedWithGraceNotRemoved()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var pod = new Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new ObjectMeta { Name = "bound", Namespace = ns },
            Spec = new PodSpec { NodeName = "edge-1", Containers = [new Container { Name = "app", Image = "my-app:v1.0" }] },
        };
        await _client.CreateAsync(ResourceTypes.Pods, pod);
        var marked = await _client.DeleteAsync(ResourceTypes.Pods, ns, "bound");
        Assert.NotNull(marked.Metadata.DeletionTimestamp);
        Assert.Equal(30, marked.Metadata.DeletionGracePeriodSeconds);
        Assert.NotNull(await _client.TryGetAsync(ResourceTypes.Pods, ns, "bound"));

        await _client.DeleteAsync(ResourceTypes.Pods, ns, "bound", gracePeriodSeconds: 0);
        Assert.Null(await _client.TryGetAsync(ResourceTypes.Pods, ns, "bound"));
    }
}
