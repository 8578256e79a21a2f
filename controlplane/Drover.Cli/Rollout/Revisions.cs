using System.Globalization;
using Drover.Api;

namespace Drover.Cli.Rollout;

/// <summary>The annotations and labels through which a Deployment's history lives on its ReplicaSets.</summary>
internal static class Revisions
{
    public const string RevisionAnnotation = WellKnownAnnotations.DeploymentRevision;
    public const string ChangeCauseAnnotation = WellKnownAnnotations.ChangeCause;
    public const string PodTemplateHashLabel = WellKnownLabels.PodTemplateHash;

    /// <summary>
    /// The revision an object carries: 0 when it has none (as kubectl's deploymentutil.Revision), null when
    /// the annotation is not a number (kubectl warns and skips such a ReplicaSet).
    /// </summary>
    public static long? Of(KubeObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        if (obj.Metadata.Annotations?.TryGetValue(RevisionAnnotation, out var text) != true)
            return 0;
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var revision) ? revision : null;
    }

    /// <summary>
    /// The ReplicaSets whose controller is <paramref name="deployment"/> (by uid, as metav1.IsControlledBy):
    /// a ReplicaSet that merely matches the selector is someone else's history.
    /// </summary>
    public static IReadOnlyList<ReplicaSet> OwnedBy(Deployment deployment, IEnumerable<KubeObject> candidates)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(candidates);
        var uid = deployment.Metadata.Uid;
        return [.. candidates.OfType<ReplicaSet>().Where(rs => rs.Metadata.OwnerReferences?.Any(o => o.Controller == true && o.Uid == uid) == true)];
    }
}
