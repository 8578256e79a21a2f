using System.Globalization;
using Drover.Api;
using Drover.Api.Printing;
using Drover.Cli.Describe;
using Drover.Cli.Output;

namespace Drover.Cli.Rollout;

/// <summary>
/// kubectl's DeploymentHistoryViewer and DaemonSetHistoryViewer: one row per revision, found on the Deployment's
/// ReplicaSets or the DaemonSet's ControllerRevisions (whose annotations are the DaemonSet's when it was recorded).
/// </summary>
internal static class RolloutHistory
{
    public const string NoHistory = "No rollout history found.";

    /// <summary>Revision → template (with its change-cause), the last ReplicaSet winning a duplicate revision as in kubectl.</summary>
    public static SortedDictionary<long, PodTemplateSpec> ByRevision(IEnumerable<ReplicaSet> owned)
    {
        ArgumentNullException.ThrowIfNull(owned);
        var history = new SortedDictionary<long, PodTemplateSpec>();
        foreach (var rs in owned)
        {
            if (Revisions.Of(rs) is not { } revision)
                continue;
            history[revision] = WithChangeCause(rs.Spec.Template, rs.Metadata.Annotations?.GetValueOrDefault(Revisions.ChangeCauseAnnotation));
        }
        return history;
    }

    /// <summary>The template with the revision's change-cause among its annotations, where `--revision=N` shows it.</summary>
    private static PodTemplateSpec WithChangeCause(PodTemplateSpec template, string? cause)
    {
        if (string.IsNullOrEmpty(cause))
            return template;
        var meta = template.Metadata ?? new ObjectMeta();
        var annotations = new Dictionary<string, string>(meta.Annotations ?? [], StringComparer.Ordinal) { [Revisions.ChangeCauseAnnotation] = cause };
        return template with { Metadata = meta with { Annotations = annotations } };
    }

    /// <summary>Revision → template (with the revision's change-cause), the last one winning a duplicate revision as in kubectl.</summary>
    public static SortedDictionary<long, PodTemplateSpec> ByRevision(IEnumerable<ControllerRevision> owned)
    {
        ArgumentNullException.ThrowIfNull(owned);
        var history = new SortedDictionary<long, PodTemplateSpec>();
        foreach (var revision in owned)
        {
            if (DaemonSetRevisions.TemplateOf(revision) is not { } template)
                continue;
            var cause = revision.Metadata.Annotations?.GetValueOrDefault(Revisions.ChangeCauseAnnotation);
            history[revision.Revision] = WithChangeCause(template, cause);
        }
        return history;
    }

    /// <summary>"REVISION  CHANGE-CAUSE" and a row per revision, oldest first; kubectl's line when there is none.</summary>
    public static string Table(SortedDictionary<long, PodTemplateSpec> history)
    {
        if (history.Count == 0)
            return NoHistory + "\n";
        var tab = new TabWriter(0, 2);
        tab.WriteLine("REVISION\tCHANGE-CAUSE");
        foreach (var (revision, template) in history)
        {
            var cause = template.Metadata?.Annotations?.GetValueOrDefault(Revisions.ChangeCauseAnnotation);
            tab.WriteLine(revision.ToString(CultureInfo.InvariantCulture) + "\t" + Cells.OrNone(cause));
        }
        return tab.Flush();
    }

    /// <summary>The pod template of one revision, described as kubectl's printTemplate does.</summary>
    public static string Revision(SortedDictionary<long, PodTemplateSpec> history, long revision, DateTimeOffset now, TimeZoneInfo zone)
    {
        if (history.Count == 0)
            return NoHistory + "\n";
        if (!history.TryGetValue(revision, out var template))
            throw new CliException($"error: unable to find the specified revision {revision} (known revisions: {string.Join(", ", history.Keys)})");
        var writer = new DescribeWriter(now, zone);
        DeploymentDescriber.PodTemplate(writer, template);
        return writer.Flush();
    }
}
