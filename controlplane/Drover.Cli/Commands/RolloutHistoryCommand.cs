using System.CommandLine;
using Drover.Api;
using Drover.Cli.Rollout;

namespace Drover.Cli.Commands;

/// <summary>`drover rollout history deployment/NAME [--revision=N]`: the revisions kept on the Deployment's ReplicaSets.</summary>
internal static class RolloutHistoryCommand
{
    public static Command Create(CliContext context)
    {
        var resource = RolloutCommand.ResourceArgument();
        var revision = new Option<long>("--revision") { Description = "Show the pod template of this revision" };
        var command = new Command("history", "List a Deployment's revisions and their change-cause");
        command.Arguments.Add(resource);
        command.Options.Add(revision);
        command.SetAction(async (parse, ct) =>
        {
            var targets = RolloutCommand.Targets(parse, resource, "rollout history");
            var wanted = RolloutCommand.Revision(parse.GetValue(revision), "--revision");
            using var session = CommandSession.Open(parse);
            return await PerTarget.RunAsync(context, targets, async target =>
            {
                var deployment = (Deployment)await session.Client.GetAsync(target.Type, session.Namespace, target.Name, ct).ConfigureAwait(false);
                var owned = await DeploymentReplicaSets.ListAsync(session.Client, deployment, ct).ConfigureAwait(false);
                var body = wanted > 0
                    ? RolloutHistory.Revision(owned, wanted, context.Time.GetUtcNow(), context.Time.LocalTimeZone)
                    : RolloutHistory.Table(owned);
                var title = wanted > 0 ? $"{target.Display} with revision #{wanted}" : target.Display;
                await context.Out.WriteAsync($"{title}\n{body}\n").ConfigureAwait(false);
            }).ConfigureAwait(false);
        });
        return command;
    }
}
