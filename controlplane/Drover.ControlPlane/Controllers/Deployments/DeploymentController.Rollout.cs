using System.Globalization;
using Drover.Api;
using Drover.ControlPlane.Api;

namespace Drover.ControlPlane.Controllers.Deployments;

/// <summary>The writing half of a sync: the new ReplicaSet and revisions, the two strategies, cleanup and scaling.</summary>
public sealed partial class DeploymentController
{
    /// <summary>
    /// The ReplicaSet whose template is the Deployment's (created when <paramref name="create"/> and there is
    /// none) with its revision brought to the newest, and the others (Kubernetes getAllReplicaSetsAndSyncRevision).
    /// </summary>
    private async Task<(ReplicaSet? New, List<ReplicaSet> Old)> GetAllReplicaSetsAndSyncRevisionAsync(Rollout rollout, bool create, CancellationToken ct)
    {
        var template = rollout.Deployment.Spec.Template;
        var sorted = ReplicaSetOrder.Sorted(rollout.ReplicaSets, ReplicaSetOrder.ByCreation);
        // Two ReplicaSets with the same template (possible after a hash collision): the oldest is the one.
        var existing = sorted.Find(rs => PodTemplateHash.EqualIgnoringHash(rs.Spec.Template, template));
        var old = sorted.Where(rs => !ReferenceEquals(rs, existing)).ToList();
        var newRS = await GetNewReplicaSetAsync(rollout, existing, old, create, ct).ConfigureAwait(false);
        return (newRS, old);
    }

    private async Task<ReplicaSet?> GetNewReplicaSetAsync(Rollout rollout, ReplicaSet? existing, List<ReplicaSet> old, bool create, CancellationToken ct)
    {
        var deployment = rollout.Deployment;
        var newRevision = Revisions.Max(old) + 1;
        var maxSurge = RolloutMath.MaxSurge(deployment);
        if (existing is not null)
        {
            // A template that comes back (rollback) takes the newest revision; the minReadySeconds follow the Deployment.
            var annotations = Revisions.NewReplicaSetAnnotations(deployment, existing, newRevision, exists: true, maxSurge);
            if (annotations is not null || existing.Spec.MinReadySeconds != deployment.Spec.MinReadySeconds)
            {
                var updated = existing with
                {
                    Metadata = existing.Metadata with { Annotations = annotations ?? existing.Metadata.Annotations },
                    Spec = existing.Spec with { MinReadySeconds = deployment.Spec.MinReadySeconds },
                };
                existing = await _objects.UpdateAsync(ResourceTypes.ReplicaSets, updated, statusOnly: false, ct).ConfigureAwait(false);
                rollout.Replace(existing);
            }
            await SetDeploymentRevisionAsync(rollout, Revisions.Of(existing), ct).ConfigureAwait(false);
            if (DeploymentStatusMath.HasProgressDeadline(deployment) && DeploymentConditions.Get(rollout.Deployment.Status, DeploymentConditions.Progressing) is null)
            {
                var found = DeploymentConditions.New(DeploymentConditions.Progressing, "True", DeploymentConditions.FoundNewReplicaSet, $"Found new replica set \"{existing.Metadata.Name}\"", _time.GetUtcNow());
                await WriteStatusAsync(rollout, DeploymentConditions.Set(rollout.Deployment.Status ?? new DeploymentStatus(), found), ct).ConfigureAwait(false);
            }
            return existing;
        }
        if (!create)
            return null;

        var candidate = NewReplicaSetFor(deployment);
        var replicas = RolloutMath.NewReplicaSetReplicas(deployment, [.. old, candidate], candidate);
        candidate = candidate with { Spec = candidate.Spec with { Replicas = replicas } };
        candidate = candidate with
        {
            Metadata = candidate.Metadata with { Annotations = Revisions.NewReplicaSetAnnotations(deployment, candidate, newRevision, exists: false, maxSurge) },
        };

        ReplicaSet created;
        var alreadyExisted = false;
        try
        {
            created = await _objects.CreateAsync(ResourceTypes.ReplicaSets, candidate, ct).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.Status.Reason == "AlreadyExists")
        {
            // Either our own create that the cache has not shown yet, or another template with the same hash.
            var found = await _objects.GetAsync(ResourceTypes.ReplicaSets, candidate.Metadata.Namespace, candidate.Metadata.Name!, ct).ConfigureAwait(false);
            if (found is null || !ControllerRefs.IsControlledBy(found.Metadata, ResourceTypes.Deployments, deployment)
                || !PodTemplateHash.EqualIgnoringHash(found.Spec.Template, deployment.Spec.Template))
            {
                // A collision: the next hash includes a higher count (Kubernetes status.collisionCount).
                var status = (rollout.Deployment.Status ?? new DeploymentStatus()) with { CollisionCount = (rollout.Deployment.Status?.CollisionCount ?? 0) + 1 };
                await WriteStatusAsync(rollout, status, ct).ConfigureAwait(false);
                LogHashCollision(_logger, rollout.Key, candidate.Metadata.Name!);
                throw;
            }
            created = found;
            alreadyExisted = true;
        }
        catch (ApiException e)
        {
            var message = $"Failed to create new replica set \"{candidate.Metadata.Name}\": {e.Message}";
            _events.Warning(ResourceTypes.Deployments, deployment, DeploymentConditions.ReplicaSetCreateError, message);
            if (DeploymentStatusMath.HasProgressDeadline(deployment))
            {
                var failed = DeploymentConditions.New(DeploymentConditions.Progressing, "False", DeploymentConditions.ReplicaSetCreateError, message, _time.GetUtcNow());
                try
                {
                    await WriteStatusAsync(rollout, DeploymentConditions.Set(rollout.Deployment.Status ?? new DeploymentStatus(), failed), ct).ConfigureAwait(false);
                }
                catch (ApiException)
                {
                    // The create error is what matters; it is rethrown below.
                }
            }
            throw;
        }

        rollout.Replace(created);
        if (!alreadyExisted && replicas > 0)
            RecordScaling(deployment, created, "up", replicas);
        await SetDeploymentRevisionAsync(rollout, newRevision, ct).ConfigureAwait(false);
        if (!alreadyExisted && DeploymentStatusMath.HasProgressDeadline(deployment))
        {
            var condition = DeploymentConditions.New(DeploymentConditions.Progressing, "True", DeploymentConditions.NewReplicaSetCreated, $"Created new replica set \"{created.Metadata.Name}\"", _time.GetUtcNow());
            await WriteStatusAsync(rollout, DeploymentConditions.Set(rollout.Deployment.Status ?? new DeploymentStatus(), condition), ct).ConfigureAwait(false);
        }
        return created;
    }

    /// <summary>A ReplicaSet for the Deployment's template, at size 0: name, labels and selector carry the template hash.</summary>
    internal static ReplicaSet NewReplicaSetFor(Deployment deployment)
    {
        var template = deployment.Spec.Template;
        var hash = PodTemplateHash.Compute(template, deployment.Status?.CollisionCount);
        var labels = PodTemplateHash.WithHash(template.Metadata?.Labels, hash);
        var selector = deployment.Spec.Selector ?? new LabelSelector();
        return new ReplicaSet
        {
            ApiVersion = ResourceTypes.ReplicaSets.ApiVersion,
            Kind = ResourceTypes.ReplicaSets.Kind,
            Metadata = new ObjectMeta
            {
                Name = deployment.Metadata.Name + "-" + hash,
                Namespace = deployment.Metadata.Namespace,
                Labels = new Dictionary<string, string>(labels, StringComparer.Ordinal),
                OwnerReferences = [ControllerRefs.For(ResourceTypes.Deployments, deployment)],
            },
            Spec = new ReplicaSetSpec
            {
                Replicas = 0,
                MinReadySeconds = deployment.Spec.MinReadySeconds,
                Selector = selector with { MatchLabels = PodTemplateHash.WithHash(selector.MatchLabels, hash) },
                Template = template with { Metadata = (template.Metadata ?? new ObjectMeta()) with { Labels = labels } },
            },
        };
    }

    /// <summary>The Deployment carries its newest revision as an annotation too (what `describe` shows).</summary>
    private async Task SetDeploymentRevisionAsync(Rollout rollout, long revision, CancellationToken ct)
    {
        var text = revision.ToString(CultureInfo.InvariantCulture);
        var deployment = rollout.Deployment;
        if (deployment.Metadata.Annotations?.GetValueOrDefault(Revisions.RevisionAnnotation) == text)
            return;
        var annotations = deployment.Metadata.Annotations is { } existing ? new Dictionary<string, string>(existing, StringComparer.Ordinal) : new Dictionary<string, string>(StringComparer.Ordinal);
        annotations[Revisions.RevisionAnnotation] = text;
        // A metadata-only write: the generation (and so observedGeneration) does not move.
        rollout.Deployment = await _objects.UpdateAsync(ResourceTypes.Deployments, deployment with { Metadata = deployment.Metadata with { Annotations = annotations } }, statusOnly: false, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// One rolling step (Kubernetes rolloutRolling): grow the new ReplicaSet as far as maxSurge allows, else
    /// shrink the old ones as far as maxUnavailable allows, else (complete) clean up history; then the status.
    /// </summary>
    private async Task RolloutRollingAsync(Rollout rollout, CancellationToken ct)
    {
        var (created, old) = await GetAllReplicaSetsAndSyncRevisionAsync(rollout, create: true, ct).ConfigureAwait(false);
        var newRS = created!;
        var deployment = rollout.Deployment;
        var desired = RolloutMath.Desired(deployment);
        var newReplicas = newRS.Spec.Replicas ?? 0;
        var target = newReplicas > desired ? desired : RolloutMath.NewReplicaSetReplicas(deployment, [.. old, newRS], newRS);
        if (newReplicas != desired && await ScaleAndRecordAsync(rollout, newRS, target, ct).ConfigureAwait(false))
        {
            await SyncRolloutStatusAsync(rollout, newRS, ct).ConfigureAwait(false);
            return;
        }

        var scaledDown = false;
        foreach (var step in RolloutMath.ScaleDownOld(deployment, rollout.Current([.. old, newRS]), rollout.Current(old), rollout.Current(newRS)))
            scaledDown |= await ScaleAndRecordAsync(rollout, step.ReplicaSet, step.Replicas, ct).ConfigureAwait(false);
        if (scaledDown)
        {
            await SyncRolloutStatusAsync(rollout, newRS, ct).ConfigureAwait(false);
            return;
        }

        if (DeploymentStatusMath.IsComplete(rollout.Deployment, rollout.Deployment.Status ?? new DeploymentStatus()))
            await CleanupAsync(rollout, old, ct).ConfigureAwait(false);
        await SyncRolloutStatusAsync(rollout, newRS, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Recreate (Kubernetes rolloutRecreate): old ReplicaSets to 0, wait until none of their pods runs, only
    /// then create (or grow) the new one to full size.
    /// </summary>
    private async Task RolloutRecreateAsync(Rollout rollout, CancellationToken ct)
    {
        var (newRS, old) = await GetAllReplicaSetsAndSyncRevisionAsync(rollout, create: false, ct).ConfigureAwait(false);
        var scaledDown = false;
        foreach (var rs in RolloutMath.Active(rollout.Current(old)))
            scaledDown |= await ScaleAndRecordAsync(rollout, rs, 0, ct).ConfigureAwait(false);
        if (scaledDown || OldPodsRunning(rollout.CurrentOrNull(newRS), rollout.Current(old)))
        {
            await SyncRolloutStatusAsync(rollout, newRS, ct).ConfigureAwait(false);
            return;
        }

        if (newRS is null)
            (newRS, old) = await GetAllReplicaSetsAndSyncRevisionAsync(rollout, create: true, ct).ConfigureAwait(false);
        await ScaleAndRecordAsync(rollout, rollout.Current(newRS!), RolloutMath.Desired(rollout.Deployment), ct).ConfigureAwait(false);
        if (DeploymentStatusMath.IsComplete(rollout.Deployment, rollout.Deployment.Status ?? new DeploymentStatus()))
            await CleanupAsync(rollout, old, ct).ConfigureAwait(false);
        await SyncRolloutStatusAsync(rollout, newRS, ct).ConfigureAwait(false);
    }

    /// <summary>Whether any pod of an old ReplicaSet may still run (terminating pods count: Recreate means never both versions at once).</summary>
    private bool OldPodsRunning(ReplicaSet? newRS, List<ReplicaSet> old)
    {
        if (RolloutMath.StatusReplicas(old) > 0)
            return true;
        foreach (var rs in old)
        {
            if (rs.Metadata.Uid == newRS?.Metadata.Uid)
                continue;
            foreach (var obj in _pods.ByIndex(WorkloadIndexes.ByControllerUid, rs.Metadata.Uid ?? ""))
            {
                if (obj is Pod pod && !PodStates.IsTerminal(pod))
                    return true;
            }
        }
        return false;
    }

    /// <summary>Deletes the oldest old ReplicaSets beyond revisionHistoryLimit, only those fully scaled down and settled.</summary>
    private async Task CleanupAsync(Rollout rollout, List<ReplicaSet> old, CancellationToken ct)
    {
        if (rollout.Deployment.Spec.RevisionHistoryLimit is not { } limit)
            return;
        var cleanable = rollout.Current(old).Where(rs => rs.Metadata.DeletionTimestamp is null).ToList();
        var excess = cleanable.Count - limit;
        if (excess <= 0)
            return;
        cleanable.Sort(ReplicaSetOrder.ByRevision);
        for (var i = 0; i < excess; i++)
        {
            var rs = cleanable[i];
            if ((rs.Status?.Replicas ?? 0) != 0 || (rs.Spec.Replicas ?? 0) != 0 || (rs.Metadata.Generation ?? 0) > (rs.Status?.ObservedGeneration ?? 0))
                continue;
            try
            {
                await _objects.DeleteAsync(ResourceTypes.ReplicaSets, rs.Metadata.Namespace, rs.Metadata.Name!, gracePeriodSeconds: null, ct).ConfigureAwait(false);
                rollout.Remove(rs);
                LogHistoryCleaned(_logger, rollout.Key, rs.Metadata.Name!, Revisions.Of(rs));
            }
            catch (ApiException e) when (e.Status.Code == 404)
            {
                rollout.Remove(rs);
            }
        }
    }

    /// <summary>The rollout status with Progressing, and a later look when only the clock can move it on (deadline).</summary>
    private async Task SyncRolloutStatusAsync(Rollout rollout, ReplicaSet? newRS, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var status = DeploymentStatusMath.RolloutStatus(rollout.Deployment, rollout.ReplicaSets, rollout.CurrentOrNull(newRS), now);
        if (DeploymentStatusMath.StatusEquals(rollout.Deployment.Status, status))
        {
            if (DeploymentStatusMath.RecheckStuckAfter(rollout.Deployment, status, now) is { } after)
                Queue.AddAfter(rollout.Key, after);
            return;
        }
        var before = DeploymentConditions.Get(rollout.Deployment.Status, DeploymentConditions.Progressing);
        await WriteStatusAsync(rollout, status, ct).ConfigureAwait(false);
        var after2 = DeploymentConditions.Get(status, DeploymentConditions.Progressing);
        if (after2?.Reason == DeploymentConditions.ProgressDeadlineExceeded && before?.Reason != DeploymentConditions.ProgressDeadlineExceeded)
            _events.Warning(ResourceTypes.Deployments, rollout.Deployment, DeploymentConditions.ProgressDeadlineExceeded, after2.Message ?? "");
    }

    /// <summary>Resizes only when the size differs (Kubernetes scaleReplicaSetAndRecordEvent); true when it did.</summary>
    private async Task<bool> ScaleAndRecordAsync(Rollout rollout, ReplicaSet rs, int replicas, CancellationToken ct) =>
        (rollout.Current(rs).Spec.Replicas ?? 0) != replicas && await ScaleReplicaSetAsync(rollout, rs, replicas, ct).ConfigureAwait(false);

    /// <summary>
    /// Sizes <paramref name="rs"/> and stamps it with the Deployment's current desired and max replicas (what a
    /// later proportional scale works from); an event when the size changed. True when the size changed.
    /// </summary>
    private async Task<bool> ScaleReplicaSetAsync(Rollout rollout, ReplicaSet rs, int replicas, CancellationToken ct)
    {
        rs = rollout.Current(rs);
        var deployment = rollout.Deployment;
        var desired = RolloutMath.Desired(deployment);
        var annotations = Revisions.WithReplicas(rs, desired, desired + RolloutMath.MaxSurge(deployment));
        var before = rs.Spec.Replicas ?? 0;
        if (before == replicas && annotations is null)
            return false;
        var updated = rs with
        {
            Metadata = rs.Metadata with { Annotations = annotations ?? rs.Metadata.Annotations },
            Spec = rs.Spec with { Replicas = replicas },
        };
        var written = await _objects.UpdateAsync(ResourceTypes.ReplicaSets, updated, statusOnly: false, ct).ConfigureAwait(false);
        rollout.Replace(written);
        if (before == replicas)
            return false;
        RecordScaling(deployment, written, replicas > before ? "up" : "down", replicas);
        return true;
    }

    private void RecordScaling(Deployment deployment, ReplicaSet rs, string direction, int replicas)
    {
        var message = $"Scaled {direction} replica set {rs.Metadata.Name} to {replicas.ToString(CultureInfo.InvariantCulture)}";
        _events.Normal(ResourceTypes.Deployments, deployment, "ScalingReplicaSet", message);
        LogScaled(_logger, deployment.Metadata.Namespace ?? "", deployment.Metadata.Name ?? "", message);
    }
}
