using System.CommandLine;
using Drover.Api;
using Drover.Api.Client;
using Drover.Cli.Rollout;

namespace Drover.Cli.Commands;

/// <summary>`drover rollout history deployment/NAME|daemonset/NAME [--revision=N]`: the revisions kept on the Deployment's ReplicaSets or the DaemonSet's ControllerRevisions.</summary>
internal static class RolloutHistoryCommand
{
    public static Command Create(CliContext context)
    {
        var resource = RolloutCommand.ResourceArgument();
        var revision = new Option<long>("--revision") { Description = "Show the pod template of this revision" };
        var command = new Command("history", "List a Deployment's or DaemonSet's revisions and their change-cause");
        command.Arguments.Add(resource);
        command.Options.Add(revision);
        command.SetAction(async (parse, ct) =>
        {
            var targets = RolloutCommand.Targets(parse, resource, "rollout history", supported: RolloutCommand.WithDaemonSets);
            var wanted = RolloutCommand.Revision(parse.GetValue(revision), "--revision");
            using var session = CommandSession.Open(parse);
            return await PerTarget.RunAsync(context, targets, async target =>
            {
                var history = await HistoryAsync(session.Client, target.Type, session.Namespace, target.Name, ct).ConfigureAwait(false);
                var body = wanted > 0
                    ? RolloutHistory.Revision(history, wanted, context.Time.GetUtcNow(), context.Time.LocalTimeZone)
                    : RolloutHistory.Table(history);
                var title = wanted > 0 ? $"{target.Display} with revision #{wanted}" : target.Display;
                await context.Out.WriteAsync($"{title}\n{body}\n").ConfigureAwait(false);
            }).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>Revision → template: a Deployment's from its ReplicaSets, a DaemonSet's from its ControllerRevisions.</summary>
    private static async Task<SortedDictionary<long, PodTemplateSpec>> HistoryAsync(DroverClient client, ResourceType type, string ns, string name, CancellationToken ct)
    {
        if (type == ResourceTypes.DaemonSets)
        {
            var daemonSet = await client.GetAsync(ResourceTypes.DaemonSets, ns, name, ct).ConfigureAwait(false);
            return RolloutHistory.ByRevision(await DaemonSetHistory.ListAsync(client, daemonSet, ct).ConfigureAwait(false));
        }
        var deployment = await client.GetAsync(ResourceTypes.Deployments, ns, name, ct).ConfigureAwait(false);
        return RolloutHistory.ByRevision(await DeploymentReplicaSets.ListAsync(client, deployment, ct).ConfigureAwait(false));
    }
}
