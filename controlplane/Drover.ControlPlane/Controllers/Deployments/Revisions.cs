using System.Globalization;
using Drover.Api;

namespace Drover.ControlPlane.Controllers.Deployments;

/// <summary>
/// The annotations that carry a Deployment's history on its ReplicaSets (what `rollout history` and
/// `rollout undo` read): the revision, the revisions a template had before it came back, and the replica
/// counts the ReplicaSet was last sized for (what proportional scaling scales from).
/// </summary>
public static class Revisions
{
    public const string RevisionAnnotation = WellKnownAnnotations.DeploymentRevision;
    public const string RevisionHistoryAnnotation = WellKnownAnnotations.DeploymentRevisionHistory;
    public const string DesiredReplicasAnnotation = WellKnownAnnotations.DeploymentDesiredReplicas;
    public const string MaxReplicasAnnotation = WellKnownAnnotations.DeploymentMaxReplicas;
    public const string LastAppliedAnnotation = WellKnownAnnotations.LastAppliedConfiguration;
    private const string RollbackToAnnotation = "deprecated.deployment.rollback.to";

    /// <summary>Longest revision-history annotation kept (Kubernetes caps it too; oldest entries go first).</summary>
    private const int MaxHistoryChars = 2000;

    /// <summary>The revision of <paramref name="obj"/>, 0 when it has none or it does not parse.</summary>
    public static long Of(KubeObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return obj.Metadata.Annotations?.TryGetValue(RevisionAnnotation, out var text) == true
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var revision) ? revision : 0;
    }

    public static long Max(IEnumerable<ReplicaSet> replicaSets)
    {
        ArgumentNullException.ThrowIfNull(replicaSets);
        long max = 0;
        foreach (var rs in replicaSets)
            max = Math.Max(max, Of(rs));
        return max;
    }

    public static int? DesiredReplicas(ReplicaSet rs) => IntAnnotation(rs, DesiredReplicasAnnotation);

    public static int? MaxReplicas(ReplicaSet rs) => IntAnnotation(rs, MaxReplicasAnnotation);

    /// <summary>
    /// Annotations for the new ReplicaSet (Kubernetes SetNewReplicaSetAnnotations): the Deployment's own
    /// annotations copied, the revision raised to <paramref name="newRevision"/> when lower (a template that
    /// comes back takes the newest revision; the one it had is kept in revision-history), and for a
    /// ReplicaSet about to be created, the replica annotations. Returns null when nothing changes.
    /// </summary>
    public static Dictionary<string, string>? NewReplicaSetAnnotations(Deployment deployment, ReplicaSet rs, long newRevision, bool exists, int maxSurge)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(rs);
        var annotations = rs.Metadata.Annotations is { } existing ? new Dictionary<string, string>(existing, StringComparer.Ordinal) : new Dictionary<string, string>(StringComparer.Ordinal);
        var changed = CopyDeploymentAnnotations(deployment, annotations);

        var hadRevision = annotations.TryGetValue(RevisionAnnotation, out var oldText);
        long oldRevision = 0;
        if (hadRevision && !long.TryParse(oldText, NumberStyles.None, CultureInfo.InvariantCulture, out oldRevision))
            return changed ? annotations : null;
        if (oldRevision < newRevision)
        {
            annotations[RevisionAnnotation] = newRevision.ToString(CultureInfo.InvariantCulture);
            changed = true;
            if (hadRevision)
                AppendHistory(annotations, oldText!);
        }
        if (!exists)
        {
            var replicas = deployment.Spec.Replicas ?? 1;
            changed |= SetReplicas(annotations, replicas, replicas + maxSurge);
        }
        return changed ? annotations : null;
    }

    /// <summary>The annotations with desired/max replicas set, or null when they already say so.</summary>
    public static Dictionary<string, string>? WithReplicas(ReplicaSet rs, int desired, int max)
    {
        ArgumentNullException.ThrowIfNull(rs);
        var annotations = rs.Metadata.Annotations is { } existing ? new Dictionary<string, string>(existing, StringComparer.Ordinal) : new Dictionary<string, string>(StringComparer.Ordinal);
        return SetReplicas(annotations, desired, max) ? annotations : null;
    }

    private static bool SetReplicas(Dictionary<string, string> annotations, int desired, int max)
    {
        var desiredText = desired.ToString(CultureInfo.InvariantCulture);
        var maxText = max.ToString(CultureInfo.InvariantCulture);
        var changed = false;
        if (!annotations.TryGetValue(DesiredReplicasAnnotation, out var d) || d != desiredText)
        {
            annotations[DesiredReplicasAnnotation] = desiredText;
            changed = true;
        }
        if (!annotations.TryGetValue(MaxReplicasAnnotation, out var m) || m != maxText)
        {
            annotations[MaxReplicasAnnotation] = maxText;
            changed = true;
        }
        return changed;
    }

    private static bool CopyDeploymentAnnotations(Deployment deployment, Dictionary<string, string> target)
    {
        var changed = false;
        foreach (var (key, value) in deployment.Metadata.Annotations ?? [])
        {
            if (key is LastAppliedAnnotation or RevisionAnnotation or RevisionHistoryAnnotation or DesiredReplicasAnnotation or MaxReplicasAnnotation or RollbackToAnnotation)
                continue;
            if (target.TryGetValue(key, out var existing) && existing == value)
                continue;
            target[key] = value;
            changed = true;
        }
        return changed;
    }

    private static void AppendHistory(Dictionary<string, string> annotations, string oldRevision)
    {
        var history = annotations.GetValueOrDefault(RevisionHistoryAnnotation);
        var entries = string.IsNullOrEmpty(history) ? [] : history.Split(',').ToList();
        entries.Add(oldRevision);
        while (entries.Count > 1 && string.Join(',', entries).Length > MaxHistoryChars)
            entries.RemoveAt(0);
        annotations[RevisionHistoryAnnotation] = string.Join(',', entries);
    }

    private static int? IntAnnotation(ReplicaSet rs, string name)
    {
        ArgumentNullException.ThrowIfNull(rs);
        return rs.Metadata.Annotations?.TryGetValue(name, out var text) == true
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
    }
}
