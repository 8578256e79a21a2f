using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Testing;
using Drover.Testing;

namespace Drover.ControlPlane.Controllers.ReplicaSets.Tests;

/// <summary>The ReplicaSet controller inside a real droverd (no agents: <see cref="KubeletStandIn"/> reports pod status).</summary>
[Trait("Category", "Process")]
public sealed class ReplicaSetControllerTests(DroverdFixture fixture) : IClassFixture<DroverdFixture>
{
    private readonly DroverClient _client = fixture.Server.Client();

    [Fact]
    public async Task Create_ReplicaSet_PodsFromTemplateOwnedByIt()
    {
        var ns = await TestNamespaces.CreateAsync(_client);

        var rs = await _client.CreateAsync(ResourceTypes.ReplicaSets, NewReplicaSet(ns, "web", 3));

        var pods = await EventuallyPodsAsync(ns, 3);
        Assert.All(pods, pod =>
        {
            Assert.StartsWith("web-", pod.Metadata.Name, StringComparison.Ordinal);
            Assert.Equal("web-".Length + 5, pod.Metadata.Name!.Length);
            Assert.Equal("web", pod.Metadata.Labels!["app"]);
            var owner = Assert.Single(pod.Metadata.OwnerReferences!);
            Assert.Equal(("ReplicaSet", "web", rs.Metadata.Uid, true, true), (owner.Kind, owner.Name, owner.Uid, owner.Controller, owner.BlockOwnerDeletion));
        });
        var status = await EventuallyStatusAsync(ns, "web", s => s.Replicas == 3 && s.FullyLabeledReplicas == 3);
        Assert.Equal(1, status.ObservedGeneration);
        // Events are written asynchronously (the recorder's broadcaster): they may trail the pods and the status.
        var events = await Poll.UntilAsync(async () => (await _client.ListAsync(ResourceTypes.Events, ns)).Items.Cast<Event>().ToList(),
            list => list.Count(e => e.Reason == "SuccessfulCreate") >= 3, "3 SuccessfulCreate events");
        Assert.Equal(3, events.Count(e => e.Reason == "SuccessfulCreate" && e.InvolvedObject.Name == "web" && e.Source?.Component == "replicaset-controller"));
    }

    [Fact]
    public async Task MarkReady_MinReadySeconds_AvailableOnlyAfterIt()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var rs = NewReplicaSet(ns, "web", 2);
        await _client.CreateAsync(ResourceTypes.ReplicaSets, rs with { Spec = rs.Spec with { MinReadySeconds = 3 } });
        await EventuallyPodsAsync(ns, 2);

        await new KubeletStandIn(_client).MarkReadyAsync(ns);

        var ready = await EventuallyStatusAsync(ns, "web", s => s.ReadyReplicas == 2);
        Assert.Null(ready.AvailableReplicas);
        var available = await EventuallyStatusAsync(ns, "web", s => s.AvailableReplicas == 2, TimeSpan.FromSeconds(20));
        Assert.Equal(2, available.ReadyReplicas);
    }

    [Fact]
    public async Task DeletePod_Owned_Replaced()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await _client.CreateAsync(ResourceTypes.ReplicaSets, NewReplicaSet(ns, "web", 2));
        var before = await EventuallyPodsAsync(ns, 2);

        await _client.DeleteAsync(ResourceTypes.Pods, ns, before[0].Metadata.Name!);

        var after = await Poll.UntilAsync(() => ActivePodsAsync(ns), pods => pods.Count == 2 && pods.All(p => p.Metadata.Name != before[0].Metadata.Name), "a replacement pod");
        Assert.Contains(after, p => p.Metadata.Name == before[1].Metadata.Name);
    }

    [Fact]
    public async Task Scale_UpAndDown_ExactlyThatManyPodsNeverMore()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await _client.CreateAsync(ResourceTypes.ReplicaSets, NewReplicaSet(ns, "web", 1));
        await EventuallyPodsAsync(ns, 1);

        await _client.PatchAsync(ResourceTypes.ReplicaSets, ns, "web", """{"spec":{"replicas":25}}""");
        var most = 0;
        var deadline = DateTime.UtcNow + Poll.DefaultTimeout;
        while (DateTime.UtcNow < deadline)
        {
            var count = (await ActivePodsAsync(ns)).Count;
            most = Math.Max(most, count);
            if (count == 25)
                break;
            await Task.Delay(20);
        }
        await Task.Delay(1000);
        most = Math.Max(most, (await ActivePodsAsync(ns)).Count);
        Assert.Equal(25, most);

        await _client.PatchAsync(ResourceTypes.ReplicaSets, ns, "web", """{"spec":{"replicas":4}}""");
        await EventuallyPodsAsync(ns, 4);
        await EventuallyStatusAsync(ns, "web", s => s.Replicas == 4 && s.ObservedGeneration == 3);
    }

    [Fact]
    public async Task ScaleDown_MixedPods_NotReadyGoFirst()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await _client.CreateAsync(ResourceTypes.ReplicaSets, NewReplicaSet(ns, "web", 4));
        var pods = await EventuallyPodsAsync(ns, 4);
        var kubelet = new KubeletStandIn(_client);
        var keep = pods.Take(2).Select(p => p.Metadata.Name).ToHashSet();
        await kubelet.MarkReadyAsync(ns, p => keep.Contains(p.Metadata.Name));
        await EventuallyStatusAsync(ns, "web", s => s.ReadyReplicas == 2);

        await _client.PatchAsync(ResourceTypes.ReplicaSets, ns, "web", """{"spec":{"replicas":2}}""");

        var left = await EventuallyPodsAsync(ns, 2);
        Assert.Equal(keep.Order(), left.Select(p => p.Metadata.Name).Order());
    }

    [Fact]
    public async Task Create_OrphanMatchingSelector_AdoptedAndCounted()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var orphan = await _client.CreateAsync(ResourceTypes.Pods, new Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new ObjectMeta { Name = "orphan", Namespace = ns, Labels = new() { ["app"] = "web" } },
            Spec = new PodSpec { Containers = [new Container { Name = "app", Image = "app:v1" }] },
        });

        var rs = await _client.CreateAsync(ResourceTypes.ReplicaSets, NewReplicaSet(ns, "web", 2));

        var pods = await EventuallyPodsAsync(ns, 2);
        var adopted = Assert.Single(pods, p => p.Metadata.Name == "orphan");
        Assert.Equal(rs.Metadata.Uid, Assert.Single(adopted.Metadata.OwnerReferences!).Uid);
        Assert.Equal(orphan.Metadata.Uid, adopted.Metadata.Uid);
    }

    [Fact]
    public async Task Relabel_OwnedPodStopsMatching_ReleasedAndReplaced()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await _client.CreateAsync(ResourceTypes.ReplicaSets, NewReplicaSet(ns, "web", 2));
        var pods = await EventuallyPodsAsync(ns, 2);
        var leaving = pods[0].Metadata.Name!;

        await _client.PatchAsync(ResourceTypes.Pods, ns, leaving, """{"metadata":{"labels":{"app":"debug"}}}""");

        await Poll.UntilAsync(() => _client.GetAsync(ResourceTypes.Pods, ns, leaving), p => p.Metadata.OwnerReferences is null, "the pod released");
        var owned = await Poll.UntilAsync(() => ActivePodsAsync(ns, "app=web"), p => p.Count == 2 && p.All(x => x.Metadata.Name != leaving), "a replacement");
        Assert.All(owned, p => Assert.NotNull(p.Metadata.OwnerReferences));
    }

    [Fact]
    public async Task Delete_ReplicaSet_PodsCollected()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await _client.CreateAsync(ResourceTypes.ReplicaSets, NewReplicaSet(ns, "web", 2));
        await EventuallyPodsAsync(ns, 2);

        await _client.DeleteAsync(ResourceTypes.ReplicaSets, ns, "web");

        await EventuallyPodsAsync(ns, 0);
    }

    internal static ReplicaSet NewReplicaSet(string ns, string name, int replicas) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "ReplicaSet",
        Metadata = new ObjectMeta { Name = name, Namespace = ns },
        Spec = new ReplicaSetSpec
        {
            Replicas = replicas,
            Selector = new LabelSelector { MatchLabels = new() { ["app"] = "web" } },
            Template = new PodTemplateSpec
            {
                Metadata = new ObjectMeta { Labels = new() { ["app"] = "web" } },
                Spec = new PodSpec { Containers = [new Container { Name = "app", Image = "app:v1" }] },
            },
        },
    };

    private async Task<List<Pod>> ActivePodsAsync(string ns, string? selector = null) =>
        [.. (await _client.ListAsync(ResourceTypes.Pods, ns, labelSelector: selector)).Items.Cast<Pod>().Where(p => p.Metadata.DeletionTimestamp is null)];

    private Task<List<Pod>> EventuallyPodsAsync(string ns, int count) =>
        Poll.UntilAsync(() => ActivePodsAsync(ns), pods => pods.Count == count, $"{count} pods");

    private async Task<ReplicaSetStatus> EventuallyStatusAsync(string ns, string name, Func<ReplicaSetStatus, bool> done, TimeSpan? timeout = null)
    {
        var rs = await Poll.UntilAsync(async () => await _client.GetAsync(ResourceTypes.ReplicaSets, ns, name), r => r.Status is { } s && done(s), "the ReplicaSet status", timeout);
        return rs.Status!;
    }
}
