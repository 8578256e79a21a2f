using Drover.Api;

namespace Drover.Cli.Rollout;

/// <summary>
/// kubectl's DaemonSetRollbacker: the DaemonSet's ControllerRevisions are its history; undo puts the template of the
/// one before the newest (or of --to-revision) back, and the controller then renumbers that revision as the newest.
/// </summary>
internal static class DaemonSetRollback
{
    /// <summary>The DaemonSet with the template of the revision asked for; Updated is null when it already has it.</summary>
    public static (long Revision, DaemonSet? Updated) Plan(DaemonSet daemonSet, IReadOnlyList<ControllerRevision> owned, long toRevision)
    {
        ArgumentNullException.ThrowIfNull(daemonSet);
        ArgumentNullException.ThrowIfNull(owned);
        var ordered = owned.OrderByDescending(r => r.Revision).ToList();
        var known = ordered.Count == 0 ? "there is no history" : "known revisions: " + string.Join(", ", ordered.Select(r => r.Revision).Order());
        ControllerRevision? target;
        if (toRevision == 0)
        {
            target = ordered.Count > 1 ? ordered[1]
                : throw new CliException($"error: no rollout history found for daemonset \"{daemonSet.Metadata.Name}\": it has no revision before the current one");
        }
        else
        {
            target = ordered.FirstOrDefault(r => r.Revision == toRevision)
                ?? throw new CliException($"error: unable to find specified revision {toRevision} in history ({known})");
        }
        var template = DaemonSetRevisions.TemplateOf(target)
            ?? throw new CliException($"error: revision {target.Revision} of daemonset \"{daemonSet.Metadata.Name}\" holds no pod template");
        if (PodTemplates.EqualIgnoringHash(template, daemonSet.Spec.Template))
            return (target.Revision, null);
        return (target.Revision, daemonSet with { Spec = daemonSet.Spec with { Template = template } });
    }
}
