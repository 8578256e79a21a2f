using Drover.Api;
using Drover.Cli.Apply;

namespace Drover.Cli.Rollout;

/// <summary>
/// kubectl's client-side DeploymentRollbacker: choose the ReplicaSet of the wanted revision and put its pod
/// template back into the Deployment. The controller then treats it as any other template change, which is
/// why the restored template becomes the newest revision.
/// </summary>
internal static class Rollback
{
    /// <summary>
    /// Annotations that describe the Deployment itself rather than a template: kept from the Deployment,
    /// never copied from the ReplicaSet.
    /// </summary>
    private static readonly HashSet<string> DeploymentOwnAnnotations = new(StringComparer.Ordinal)
    {
        LastAppliedConfiguration.Annotation,
        Revisions.RevisionAnnotation,
        WellKnownAnnotations.DeploymentRevisionHistory,
        WellKnownAnnotations.DeploymentDesiredReplicas,
        WellKnownAnnotations.DeploymentMaxReplicas,
        "deprecated.deployment.rollback.to",
    };

    /// <summary>
    /// Plans the rollback of <paramref name="deployment"/> to <paramref name="toRevision"/> (0: the one before
    /// the newest) among <paramref name="owned"/>, its ReplicaSets. Throws <see cref="CliException"/> with
    /// kubectl's wording when there is nothing to go back to or the Deployment is paused.
    /// </summary>
    public static RollbackPlan Plan(Deployment deployment, IReadOnlyList<ReplicaSet> owned, long toRevision)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(owned);
        var (target, revision) = Find(deployment, owned, toRevision);
        var name = deployment.Metadata.Name;
        if (deployment.Spec.Paused == true)
            throw new CliException($"error: you cannot rollback a paused deployment; resume it first with 'drover rollout resume deployment/{name}' and try again");
        if (PodTemplates.EqualIgnoringHash(target.Spec.Template, deployment.Spec.Template))
            return new RollbackPlan(revision, null);

        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in deployment.Metadata.Annotations ?? [])
            if (DeploymentOwnAnnotations.Contains(key))
                annotations[key] = value;
        // The ReplicaSet carries the change-cause of its revision; the Deployment takes it back with the template.
        foreach (var (key, value) in target.Metadata.Annotations ?? [])
            if (!DeploymentOwnAnnotations.Contains(key))
                annotations[key] = value;

        var updated = deployment with
        {
            Metadata = deployment.Metadata with { Annotations = annotations.Count > 0 ? annotations : null },
            Spec = deployment.Spec with { Template = PodTemplates.WithoutHash(target.Spec.Template) },
        };
        return new RollbackPlan(revision, updated);
    }

    private static (ReplicaSet ReplicaSet, long Revision) Find(Deployment deployment, IReadOnlyList<ReplicaSet> owned, long toRevision)
    {
        if (toRevision < 0)
            throw NotFound(toRevision, owned);
        ReplicaSet? latest = null, previous = null;
        long latestRevision = -1, previousRevision = -1;
        foreach (var rs in owned)
        {
            if (Revisions.Of(rs) is not { } revision)
                continue;
            if (toRevision > 0)
            {
                if (revision == toRevision)
                    return (rs, revision);
                continue;
            }
            if (revision > latestRevision)
            {
                (previous, previousRevision) = (latest, latestRevision);
                (latest, latestRevision) = (rs, revision);
            }
            else if (revision > previousRevision)
            {
                (previous, previousRevision) = (rs, revision);
            }
        }
        if (toRevision > 0)
            throw NotFound(toRevision, owned);
        return previous is null
            ? throw new CliException($"error: no rollout history found for deployment \"{deployment.Metadata.Name}\": it has no revision before the current one")
            : (previous, previousRevision);
    }

    private static CliException NotFound(long revision, IReadOnlyList<ReplicaSet> owned)
    {
        var known = owned.Select(Revisions.Of).OfType<long>().Distinct().Order().ToList();
        var hint = known.Count == 0 ? "there is no history" : "known revisions: " + string.Join(", ", known);
        return new CliException($"error: unable to find specified revision {revision} in history ({hint})");
    }
}
