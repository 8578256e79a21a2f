using System.CommandLine;
using Drover.Api;
using Drover.Cli.Arguments;
using Drover.Cli.Rollout;

namespace Drover.Cli.Commands;

/// <summary>`drover rollout status deployment/NAME|daemonset/NAME`: progress lines until the rollout completes, fails or times out.</summary>
internal static class RolloutStatusCommand
{
    public static Command Create(CliContext context)
    {
        var resource = RolloutCommand.ResourceArgument();
        var watch = new Option<bool>("--watch", "-w")
        {
            Description = "Watch the status of the rollout until it's done (--watch=false prints the current state once)",
            DefaultValueFactory = _ => true,
        };
        var revision = new Option<long>("--revision") { Description = "Pin to a specific revision; 0 (default) follows the latest" };
        var timeout = new Option<string?>("--timeout") { Description = "How long to wait before giving up, e.g. 5m; 0 (default) waits forever" };
        var command = new Command("status", "Show the status of a rollout, following it until it completes");
        command.Arguments.Add(resource);
        command.Options.Add(watch);
        command.Options.Add(revision);
        command.Options.Add(timeout);
        command.SetAction(async (parse, ct) =>
        {
            var target = RolloutCommand.Targets(parse, resource, "rollout status", single: true, RolloutCommand.WithDaemonSets)[0];
            var pinned = RolloutCommand.Revision(parse.GetValue(revision), "--revision");
            var limit = GoDuration.Parse(parse.GetValue(timeout), "--timeout");
            using var session = CommandSession.Open(parse);
            var watcher = new RolloutWatcher(context, session.Client, target.Type, session.Namespace, target.Name, pinned);
            return await watcher.RunAsync(parse.GetValue(watch), limit, ct).ConfigureAwait(false);
        });
        return command;
    }
}
