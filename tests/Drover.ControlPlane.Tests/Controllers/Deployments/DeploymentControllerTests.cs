using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Testing;
using Drover.Testing;

namespace Drover.ControlPlane.Controllers.Deployments.Tests;

/// <summary>
/// The Deployment and ReplicaSet controllers together inside a real droverd, driven as a user would (the
/// seed manifest, scale, set image, undo), with <see cref="KubeletStandIn"/> reporting pod readiness.
/// </summary>
[Trait("Category", "Process")]
public sealed class DeploymentControllerTests(DroverdFixture fixture) : IClassFixture<DroverdFixture>
{
    private readonly DroverClient _client = fixture.Server.Client();
    private readonly KubeletStandIn _kubelet = new(fixture.Server.Client());

    [Fact]
    public async Task Apply_SeedDeployment_ReplicaSetWithHashAndThreeReadyPods()
    {
        var ns = await TestNamespaces.CreateAsync(_client);

        var deployment = await ApplySeedAsync(ns);

        var rs = Assert.Single(await ReplicaSetsAsync(ns));
        var hash = rs.Metadata.Labels![PodTemplateHash.Label];
        Assert.Equal("my-app-" + hash, rs.Metadata.Name);
        Assert.Equal("1", rs.Metadata.Annotations![Revisions.RevisionAnnotation]);
        Assert.Equal(hash, rs.Spec.Selector!.MatchLabels![PodTemplateHash.Label]);
        Assert.Equal(deployment.Metadata.Uid, Assert.Single(rs.Metadata.OwnerReferences!).Uid);
        var pods = await PodsAsync(ns);
        Assert.Equal(3, pods.Count);
        Assert.All(pods, p => Assert.Equal(hash, p.Metadata.Labels![PodTemplateHash.Label]));
        Assert.All(pods, p => Assert.Equal(rs.Metadata.Uid, Assert.Single(p.Metadata.OwnerReferences!).Uid));

        var done = await GetAsync(ns);
        Assert.Equal("1", done.Metadata.Annotations![Revisions.RevisionAnnotation]);
        var status = done.Status!;
        Assert.Equal((1L, 3, 3, 3, 3, (int?)null), (status.ObservedGeneration, status.Replicas, status.UpdatedReplicas, status.ReadyReplicas, status.AvailableReplicas, status.UnavailableReplicas));
        AssertCondition(done, DeploymentConditions.Available, "True", DeploymentConditions.MinimumReplicasAvailable);
        AssertCondition(done, DeploymentConditions.Progressing, "True", DeploymentConditions.NewReplicaSetAvailable);
        Assert.Equal($"deployment \"my-app\" successfully rolled out", KubectlRolloutStatus(done));

        // Events are written asynchronously (the recorder's broadcaster): they may trail the rollout's status.
        var events = await Poll.UntilAsync(async () => (await _client.ListAsync(ResourceTypes.Events, ns)).Items.Cast<Event>().ToList(),
            list => list.Any(e => e.Reason == "ScalingReplicaSet") && list.Count(e => e.Reason == "SuccessfulCreate") >= 3, "the rollout's events");
        Assert.Contains(events, e => e.InvolvedObject.Kind == "Deployment" && e.Reason == "ScalingReplicaSet" && e.Message == $"Scaled up replica set {rs.Metadata.Name} to 3" && e.Source?.Component == "deployment-controller");
        Assert.Equal(3, events.Count(e => e.InvolvedObject.Kind == "ReplicaSet" && e.Reason == "SuccessfulCreate"));
    }

    [Fact]
    public async Task DeletePod_Running_ReplacedAndReadyAgain()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await ApplySeedAsync(ns);
        var victim = (await PodsAsync(ns))[0].Metadata.Name!;

        await _client.DeleteAsync(ResourceTypes.Pods, ns, victim);

        var pods = await Poll.UntilAsync(() => PodsAsync(ns), p => p.Count == 3 && p.All(x => x.Metadata.Name != victim), "a replacement pod");
        await _kubelet.MarkReadyAsync(ns);
        var done = await EventuallyDeploymentAsync(ns, d => d.Status?.AvailableReplicas == 3);
        Assert.Equal(3, pods.Count);
        Assert.Equal(3, done.Status!.ReadyReplicas);
    }

    [Fact]
    public async Task Scale_ThreeToFiveToTwo_PodsAndStatusFollow()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await ApplySeedAsync(ns);

        await _client.SendRawAsync(HttpMethod.Patch, DroverClient.ObjectPath(ResourceTypes.Deployments, ns, "my-app") + "/scale", Manifests.Utf8("""{"spec":{"replicas":5}}"""), "application/merge-patch+json");
        await Poll.UntilAsync(() => PodsAsync(ns), p => p.Count == 5, "5 pods");
        await _kubelet.MarkReadyAsync(ns);
        var five = await EventuallyDeploymentAsync(ns, d => d.Status?.AvailableReplicas == 5 && d.Status.ObservedGeneration == 2);
        Assert.Equal(5, five.Status!.Replicas);
        Assert.Single(await ReplicaSetsAsync(ns));

        await UpdateAsync(ns, d => d with { Spec = d.Spec with { Replicas = 2 } });
        await Poll.UntilAsync(() => PodsAsync(ns), p => p.Count == 2, "2 pods");
        var two = await EventuallyDeploymentAsync(ns, d => d.Status?.Replicas == 2 && d.Status.AvailableReplicas == 2 && d.Status.ObservedGeneration == 3);
        Assert.Equal("2", Assert.Single(await ReplicaSetsAsync(ns)).Metadata.Annotations![Revisions.DesiredReplicasAnnotation]);
        Assert.Equal($"deployment \"my-app\" successfully rolled out", KubectlRolloutStatus(two));
    }

    [Fact]
    public async Task SetImage_MaxSurgeOneMaxUnavailableZero_NeverBelowThreeReadyNorAboveFourPods()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await ApplySeedAsync(ns, maxSurge: 1, maxUnavailable: 0);
        var oldRs = Assert.Single(await ReplicaSetsAsync(ns));

        await SetImageAsync(ns, "my-app:v2.0");
        var fewestReady = int.MaxValue;
        var mostPods = 0;
        var messages = new List<string>();
        var deadline = DateTime.UtcNow + Poll.DefaultTimeout;
        Deployment current;
        while (true)
        {
            var pods = await PodsAsync(ns);
            fewestReady = Math.Min(fewestReady, pods.Count(KubeletStandIn.IsReady));
            mostPods = Math.Max(mostPods, pods.Count);
            current = await GetAsync(ns);
            var message = KubectlRolloutStatus(current);
            if (messages.Count == 0 || messages[^1] != message)
                messages.Add(message);
            if (message.EndsWith("successfully rolled out", StringComparison.Ordinal))
                break;
            Assert.True(DateTime.UtcNow < deadline, "rollout did not finish: " + string.Join(" | ", messages));
            // The new pod's readiness probe passes a moment later, as on a node.
            await _kubelet.MarkReadyAsync(ns, p => p.Spec.Containers[0].Image == "my-app:v2.0");
        }

        Assert.True(fewestReady >= 3, $"only {fewestReady} ready pods at one point");
        Assert.True(mostPods <= 4, $"{mostPods} pods at one point");
        Assert.Contains(messages, m => m.Contains("new replicas have been updated", StringComparison.Ordinal) || m.Contains("old replicas are pending termination", StringComparison.Ordinal));
        var replicaSets = await ReplicaSetsAsync(ns);
        Assert.Equal(2, replicaSets.Count);
        var newRs = Assert.Single(replicaSets, rs => rs.Metadata.Uid != oldRs.Metadata.Uid);
        Assert.Equal(("2", 3), (newRs.Metadata.Annotations![Revisions.RevisionAnnotation], newRs.Spec.Replicas));
        Assert.Equal(0, replicaSets.Single(rs => rs.Metadata.Uid == oldRs.Metadata.Uid).Spec.Replicas);
        Assert.Equal("2", current.Metadata.Annotations![Revisions.RevisionAnnotation]);
        AssertCondition(current, DeploymentConditions.Progressing, "True", DeploymentConditions.NewReplicaSetAvailable);
        Assert.All(await PodsAsync(ns), p => Assert.Equal("my-app:v2.0", p.Spec.Containers[0].Image));
    }

    [Fact]
    public async Task UndoByTemplate_OldTemplateBack_OldReplicaSetBecomesRevisionThree()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await ApplySeedAsync(ns, maxSurge: 1, maxUnavailable: 0);
        var first = Assert.Single(await ReplicaSetsAsync(ns));
        using var keepReady = new CancellationTokenSource();
        var kubelet = _kubelet.KeepReadyAsync(ns, TimeSpan.FromMilliseconds(100), keepReady.Token);
        await SetImageAsync(ns, "my-app:v2.0");
        await EventuallyRolledOutAsync(ns, generation: 2);

        // What `rollout undo` does on the client: the old ReplicaSet's template, without its hash label, into the Deployment.
        var template = PodTemplateHash.WithoutHash(first.Spec.Template);
        await UpdateAsync(ns, d => d with { Spec = d.Spec with { Template = template } });
        var undone = await EventuallyRolledOutAsync(ns, generation: 3);
        await keepReady.CancelAsync();
        await kubelet;

        var replicaSets = await ReplicaSetsAsync(ns);
        Assert.Equal(2, replicaSets.Count);
        var back = Assert.Single(replicaSets, rs => rs.Metadata.Uid == first.Metadata.Uid);
        Assert.Equal("3", back.Metadata.Annotations![Revisions.RevisionAnnotation]);
        Assert.Equal("1", back.Metadata.Annotations[Revisions.RevisionHistoryAnnotation]);
        Assert.Equal(3, back.Spec.Replicas);
        Assert.Equal("3", undone.Metadata.Annotations![Revisions.RevisionAnnotation]);
        Assert.All(await PodsAsync(ns), p => Assert.Equal("my-app:v1.0", p.Spec.Containers[0].Image));
    }

    [Fact]
    public async Task Recreate_ImageChange_OldPodsGoneBeforeAnyNewPod()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await ApplySeedAsync(ns, recreate: true);
        var list = await _client.ListAsync(ResourceTypes.Pods, ns);
        var live = list.Items.ToDictionary(p => p.Metadata.Name!, p => ((Pod)p).Spec.Containers[0].Image!);
        var overlap = new List<string>();
        using var watching = new CancellationTokenSource(Poll.DefaultTimeout);
        var watcher = Task.Run(async () =>
        {
            try
            {
                await foreach (var ev in _client.WatchAsync(ResourceTypes.Pods, ns, list.ResourceVersion, ct: watching.Token))
                {
                    if (ev.Object is not Pod pod)
                        continue;
                    var image = pod.Spec.Containers[0].Image!;
                    if (ev.Type == "DELETED")
                    {
                        live.Remove(pod.Metadata.Name!);
                        continue;
                    }
                    if (ev.Type == "ADDED" && image == "my-app:v2.0" && live.ContainsValue("my-app:v1.0"))
                        overlap.Add(pod.Metadata.Name!);
                    live[pod.Metadata.Name!] = image;
                    if (live.Count == 3 && live.Values.All(i => i == "my-app:v2.0"))
                        return;
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        await SetImageAsync(ns, "my-app:v2.0");
        await watcher;
        await _kubelet.MarkReadyAsync(ns);
        var done = await EventuallyRolledOutAsync(ns, generation: 2);

        Assert.Empty(overlap);
        Assert.Equal(3, live.Count);
        Assert.Equal("Recreate", done.Spec.Strategy!.Type);
        Assert.Equal([0, 3], (await ReplicaSetsAsync(ns)).Select(rs => rs.Spec.Replicas ?? 0).Order());
    }

    [Fact]
    public async Task Paused_ImageChange_NoRolloutUntilResumed()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await ApplySeedAsync(ns);

        await UpdateAsync(ns, d => d with { Spec = d.Spec with { Paused = true } });
        await SetImageAsync(ns, "my-app:v2.0");
        var paused = await EventuallyDeploymentAsync(ns, d => d.Status?.ObservedGeneration == 3);
        await Task.Delay(1500);

        Assert.Single(await ReplicaSetsAsync(ns));
        AssertCondition(await GetAsync(ns), DeploymentConditions.Progressing, "Unknown", DeploymentConditions.DeploymentPaused);
        Assert.Null(paused.Status!.UpdatedReplicas);

        using var keepReady = new CancellationTokenSource();
        var kubelet = _kubelet.KeepReadyAsync(ns, TimeSpan.FromMilliseconds(100), keepReady.Token);
        await UpdateAsync(ns, d => d with { Spec = d.Spec with { Paused = false } });
        var resumed = await EventuallyRolledOutAsync(ns, generation: 4);
        await keepReady.CancelAsync();
        await kubelet;

        Assert.Equal(2, (await ReplicaSetsAsync(ns)).Count);
        Assert.Equal("2", resumed.Metadata.Annotations![Revisions.RevisionAnnotation]);
    }

    [Fact]
    public async Task ProgressDeadline_PodsNeverReady_ProgressDeadlineExceeded()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var seed = Manifests.Decode<Deployment>(Manifests.Seed("seed-deployment.yaml"));
        await _client.CreateAsync(ResourceTypes.Deployments, seed with
        {
            Metadata = seed.Metadata with { Namespace = ns },
            Spec = seed.Spec with { ProgressDeadlineSeconds = 2 },
        });

        var stuck = await EventuallyDeploymentAsync(ns, d => DeploymentConditions.Get(d.Status, DeploymentConditions.Progressing)?.Reason == DeploymentConditions.ProgressDeadlineExceeded);

        var rs = Assert.Single(await ReplicaSetsAsync(ns));
        var progressing = DeploymentConditions.Get(stuck.Status, DeploymentConditions.Progressing)!;
        Assert.Equal("False", progressing.Status);
        Assert.Equal($"ReplicaSet \"{rs.Metadata.Name}\" has timed out progressing.", progressing.Message);
        Assert.Equal("deployment \"my-app\" exceeded its progress deadline", KubectlRolloutStatus(stuck));
        AssertCondition(stuck, DeploymentConditions.Available, "False", DeploymentConditions.MinimumReplicasUnavailable);
        Assert.Equal(3, stuck.Status!.UnavailableReplicas);
    }

    [Fact]
    public async Task RevisionHistoryLimit_ThreeRollouts_OnlyTheLimitOfOldReplicaSetsKept()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await ApplySeedAsync(ns, maxSurge: 1, maxUnavailable: 0, revisionHistoryLimit: 1);
        using var keepReady = new CancellationTokenSource();
        var kubelet = _kubelet.KeepReadyAsync(ns, TimeSpan.FromMilliseconds(100), keepReady.Token);

        await SetImageAsync(ns, "my-app:v2.0");
        await EventuallyRolledOutAsync(ns, generation: 2);
        await SetImageAsync(ns, "my-app:v3.0");
        await EventuallyRolledOutAsync(ns, generation: 3);
        await keepReady.CancelAsync();
        await kubelet;

        var replicaSets = await Poll.UntilAsync(() => ReplicaSetsAsync(ns), r => r.Count == 2, "the oldest ReplicaSet deleted");
        Assert.Equal(["2", "3"], replicaSets.Select(rs => rs.Metadata.Annotations![Revisions.RevisionAnnotation]).Order());
    }

    [Fact]
    public async Task Delete_Deployment_ReplicaSetsAndPodsCollected()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await ApplySeedAsync(ns);

        await _client.DeleteAsync(ResourceTypes.Deployments, ns, "my-app");

        await Poll.UntilAsync(() => ReplicaSetsAsync(ns), r => r.Count == 0, "no ReplicaSets");
        await Poll.UntilAsync(() => PodsAsync(ns), p => p.Count == 0, "no pods");
    }

    /// <summary>Applies the seed Deployment (optionally with another strategy) and waits until its 3 pods are ready.</summary>
    private async Task<Deployment> ApplySeedAsync(string ns, int? maxSurge = null, int? maxUnavailable = null, bool recreate = false, int? revisionHistoryLimit = null)
    {
        var seed = Manifests.Decode<Deployment>(Manifests.Seed("seed-deployment.yaml"));
        var strategy = recreate
            ? new DeploymentStrategy { Type = "Recreate" }
            : maxSurge is null ? null : new DeploymentStrategy { Type = "RollingUpdate", RollingUpdate = new RollingUpdateDeployment { MaxSurge = maxSurge.Value, MaxUnavailable = maxUnavailable ?? 0 } };
        var created = await _client.CreateAsync(ResourceTypes.Deployments, seed with
        {
            Metadata = seed.Metadata with { Namespace = ns },
            Spec = seed.Spec with { Strategy = strategy, RevisionHistoryLimit = revisionHistoryLimit },
        });
        await Poll.UntilAsync(() => PodsAsync(ns), p => p.Count == 3, "3 pods");
        await _kubelet.MarkReadyAsync(ns);
        await EventuallyRolledOutAsync(ns, generation: 1);
        return created;
    }

    private Task<Deployment> EventuallyRolledOutAsync(string ns, long generation) =>
        EventuallyDeploymentAsync(ns, d => d.Metadata.Generation == generation && KubectlRolloutStatus(d).EndsWith("successfully rolled out", StringComparison.Ordinal));

    private Task<Deployment> EventuallyDeploymentAsync(string ns, Func<Deployment, bool> done) =>
        Poll.UntilAsync(() => GetAsync(ns), done, "the Deployment status");

    private async Task<Deployment> GetAsync(string ns) => await _client.GetAsync(ResourceTypes.Deployments, ns, "my-app");

    private Task SetImageAsync(string ns, string image) =>
        UpdateAsync(ns, d => d with
        {
            Spec = d.Spec with
            {
                Template = d.Spec.Template with { Spec = d.Spec.Template.Spec with { Containers = [d.Spec.Template.Spec.Containers[0] with { Image = image }] } },
            },
        });

    /// <summary>Read, change, write; a conflict with a controller's write is retried, as kubectl does.</summary>
    private Task UpdateAsync(string ns, Func<Deployment, Deployment> change) =>
        ConflictRetry.RetryOnConflictAsync(async _ => await _client.UpdateAsync(ResourceTypes.Deployments, change(await GetAsync(ns))), maxAttempts: 10);

    private async Task<List<ReplicaSet>> ReplicaSetsAsync(string ns) =>
        [.. (await _client.ListAsync(ResourceTypes.ReplicaSets, ns)).Items.Cast<ReplicaSet>()];

    private async Task<List<Pod>> PodsAsync(string ns) =>
        [.. (await _client.ListAsync(ResourceTypes.Pods, ns)).Items.Cast<Pod>().Where(p => p.Metadata.DeletionTimestamp is null)];

    private static void AssertCondition(Deployment deployment, string type, string status, string reason)
    {
        var condition = DeploymentConditions.Get(deployment.Status, type);
        Assert.True(condition is not null, $"no {type} condition");
        Assert.Equal((status, reason), (condition.Status, condition.Reason));
        Assert.NotNull(condition.LastUpdateTime);
        Assert.NotNull(condition.LastTransitionTime);
    }

    /// <summary>kubectl's rollout status for a Deployment (DeploymentStatusViewer), to check the status reads right to it.</summary>
    private static string KubectlRolloutStatus(Deployment d)
    {
        var name = d.Metadata.Name;
        var status = d.Status ?? new DeploymentStatus();
        if ((d.Metadata.Generation ?? 0) > (status.ObservedGeneration ?? 0))
            return "Waiting for deployment spec update to be observed...";
        if (DeploymentConditions.Get(status, DeploymentConditions.Progressing)?.Reason == DeploymentConditions.ProgressDeadlineExceeded)
            return $"deployment \"{name}\" exceeded its progress deadline";
        var desired = d.Spec.Replicas ?? 1;
        var updated = status.UpdatedReplicas ?? 0;
        var replicas = status.Replicas ?? 0;
        var available = status.AvailableReplicas ?? 0;
        if (updated < desired)
            return $"Waiting for deployment \"{name}\" rollout to finish: {updated} out of {desired} new replicas have been updated...";
        if (replicas > updated)
            return $"Waiting for deployment \"{name}\" rollout to finish: {replicas - updated} old replicas are pending termination...";
        if (available < updated)
            return $"Waiting for deployment \"{name}\" rollout to finish: {available} of {updated} updated replicas are available...";
        return $"deployment \"{name}\" successfully rolled out";
    }
}
