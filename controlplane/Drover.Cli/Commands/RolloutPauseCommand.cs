using System.CommandLine;
using Drover.Api;

namespace Drover.Cli.Commands;

/// <summary>`drover rollout pause|resume deployment/NAME`: spec.paused, which stops (or lets go on) the controller's rollouts.</summary>
internal static class RolloutPauseCommand
{
    public static Command Create(CliContext context, bool pause)
    {
        var verb = pause ? "pause" : "resume";
        var resource = RolloutCommand.ResourceArgument();
        var command = new Command(verb, pause
            ? "Pause a Deployment: template changes are kept but not rolled out until resumed"
            : "Resume a paused Deployment, rolling out the changes made meanwhile");
        command.Arguments.Add(resource);
        command.SetAction(async (parse, ct) =>
        {
            var targets = RolloutCommand.Targets(parse, resource, "rollout " + verb);
            using var session = CommandSession.Open(parse);
            // A resumed Deployment carries no paused field at all, as one that was never paused.
            var patch = pause ? "{\"spec\":{\"paused\":true}}" : "{\"spec\":{\"paused\":null}}";
            return await PerTarget.RunAsync(context, targets, async target =>
            {
                var deployment = (Deployment)await session.Client.GetAsync(target.Type, session.Namespace, target.Name, ct).ConfigureAwait(false);
                if ((deployment.Spec.Paused == true) == pause)
                    throw new CliException($"error: {target.Quoted} {(pause ? "is already paused" : "is not paused")}");
                await session.Client.PatchAsync(target.Type, session.Namespace, target.Name, patch, ct: ct).ConfigureAwait(false);
                await context.Out.WriteLineAsync($"{target.Display} {(pause ? "paused" : "resumed")}").ConfigureAwait(false);
            }).ConfigureAwait(false);
        });
        return command;
    }
}
