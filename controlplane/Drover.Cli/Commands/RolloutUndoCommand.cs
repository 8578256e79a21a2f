using System.CommandLine;
using Drover.Api;
using Drover.Api.Client;
using Drover.Cli.Rollout;

namespace Drover.Cli.Commands;

/// <summary>`drover rollout undo deployment/NAME|daemonset/NAME [--to-revision=N]`: the previous (or the given) revision's template back.</summary>
internal static class RolloutUndoCommand
{
    public static Command Create(CliContext context)
    {
        var resource = RolloutCommand.ResourceArgument();
        var toRevision = new Option<long>("--to-revision") { Description = "The revision to roll back to; 0 (default) is the one before the current" };
        var command = new Command("undo", "Roll a Deployment or DaemonSet back to an earlier revision");
        command.Arguments.Add(resource);
        command.Options.Add(toRevision);
        command.SetAction(async (parse, ct) =>
        {
            var targets = RolloutCommand.Targets(parse, resource, "rollout undo", supported: RolloutCommand.WithDaemonSets);
            // kubectl lets a negative --to-revision through to "unable to find specified revision -1"; so do we.
            var revision = parse.GetValue(toRevision);
            using var session = CommandSession.Open(parse);
            return await PerTarget.RunAsync(context, targets, async target =>
            {
                var outcome = target.Type == ResourceTypes.DaemonSets
                    ? await UndoDaemonSetAsync(session.Client, session.Namespace, target.Name, revision, ct).ConfigureAwait(false)
                    : await UndoAsync(session.Client, session.Namespace, target.Name, revision, ct).ConfigureAwait(false);
                await context.Out.WriteLineAsync($"{target.Display} {outcome}").ConfigureAwait(false);
            }).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>
    /// Plans from a fresh read and writes with its resourceVersion: a Deployment changed in between (409) is
    /// planned again, so the rollback never overwrites a change it has not seen.
    /// </summary>
    private static async Task<string> UndoAsync(DroverClient client, string ns, string name, long revision, CancellationToken ct)
    {
        // Someone may write the Deployment after our read: a conflict plans again from the new state.
        return await ConflictRetry.RetryOnConflictAsync(async token =>
        {
            var deployment = await client.GetAsync(ResourceTypes.Deployments, ns, name, token).ConfigureAwait(false);
            var owned = await DeploymentReplicaSets.ListAsync(client, deployment, token).ConfigureAwait(false);
            var plan = Rollback.Plan(deployment, owned, revision);
            if (plan.Updated is null)
                return $"skipped rollback (current template already matches revision {plan.Revision})";
            await client.UpdateAsync(ResourceTypes.Deployments, plan.Updated, ct: token).ConfigureAwait(false);
            return "rolled back";
        }, ct: ct).ConfigureAwait(false);
    }

    /// <summary>The DaemonSet's history is its ControllerRevisions; the same read-plan-write loop as for a Deployment.</summary>
    private static async Task<string> UndoDaemonSetAsync(DroverClient client, string ns, string name, long revision, CancellationToken ct)
    {
        return await ConflictRetry.RetryOnConflictAsync(async token =>
        {
            var daemonSet = await client.GetAsync(ResourceTypes.DaemonSets, ns, name, token).ConfigureAwait(false);
            var owned = await DaemonSetHistory.ListAsync(client, daemonSet, token).ConfigureAwait(false);
            var (target, updated) = DaemonSetRollback.Plan(daemonSet, owned, revision);
            if (updated is null)
                return $"skipped rollback (current template already matches revision {target})";
            // Changed after our read (409): plan again.
            await client.UpdateAsync(ResourceTypes.DaemonSets, updated, ct: token).ConfigureAwait(false);
            return "rolled back";
        }, ct: ct).ConfigureAwait(false);
    }
}
