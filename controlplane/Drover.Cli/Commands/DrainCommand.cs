using System.CommandLine;
using Drover.Cli.Arguments;
using Drover.Cli.Drain;

namespace Drover.Cli.Commands;

/// <summary>`drover drain NODE`: cordon, then evict the node's pods and wait until they are gone (kubectl's drain).</summary>
internal static class DrainCommand
{
    public static Command Create(CliContext context)
    {
        var nodes = CordonCommand.NodeArgument();
        var force = new Option<bool>("--force") { Description = "Also delete pods that no controller (ReplicaSet) would recreate" };
        var grace = new Option<int>("--grace-period")
        {
            Description = "Seconds each pod gets to terminate; negative (default) keeps the pod's own",
            DefaultValueFactory = _ => -1,
        };
        var timeout = new Option<string?>("--timeout") { Description = "How long to wait before giving up, e.g. 5m; 0 (default) waits forever" };
        var ignoreDaemonSets = new Option<bool>("--ignore-daemonsets") { Description = "Ignore DaemonSet-managed pods (accepted for kubectl scripts)" };
        var deleteEmptyDir = new Option<bool>("--delete-emptydir-data", "--delete-local-data")
        {
            Description = "Accepted for kubectl scripts; Drover pods have no emptyDir volumes",
        };
        var podSelector = new Option<string?>("--pod-selector") { Description = "Only evict the node's pods matching this label selector" };
        var command = new Command("drain", "Cordon a node and evict its pods, in preparation for maintenance");
        command.Arguments.Add(nodes);
        command.Options.Add(force);
        command.Options.Add(grace);
        command.Options.Add(timeout);
        command.Options.Add(ignoreDaemonSets);
        command.Options.Add(deleteEmptyDir);
        command.Options.Add(podSelector);
        command.SetAction(async (parse, ct) =>
        {
            var names = CordonCommand.NodeNames(parse.GetValue(nodes) ?? [], "drain");
            var settings = new DrainSettings(
                parse.GetValue(force),
                parse.GetValue(ignoreDaemonSets),
                parse.GetValue(grace) is var g and >= 0 ? g : null,
                GoDuration.Parse(parse.GetValue(timeout), "--timeout"),
                parse.GetValue(podSelector));
            using var session = CommandSession.Open(parse);
            // Every node is cordoned before any is drained, so pods evicted from one cannot land on the next.
            foreach (var name in names)
                await context.Out.WriteLineAsync(await Cordoner.SetAsync(session.Client, name, true, ct).ConfigureAwait(false)).ConfigureAwait(false);
            await context.Out.FlushAsync(ct).ConfigureAwait(false);

            var drainer = new NodeDrainer(context, session.Client, settings);
            var failed = new List<(string Node, string Error)>();
            foreach (var name in names)
            {
                if (await drainer.DrainAsync(name, ct).ConfigureAwait(false) is { } error)
                {
                    await context.Error.WriteLineAsync($"error: unable to drain node \"{name}\" due to error: {error}, continuing command...").ConfigureAwait(false);
                    failed.Add((name, error));
                    continue;
                }
                await context.Out.WriteLineAsync($"node/{name} drained").ConfigureAwait(false);
            }
            if (failed.Count == 0)
                return 0;
            await context.Error.WriteLineAsync("There are pending nodes to be drained:").ConfigureAwait(false);
            foreach (var (node, _) in failed)
                await context.Error.WriteLineAsync(" " + node).ConfigureAwait(false);
            foreach (var (_, error) in failed)
                await context.Error.WriteLineAsync(error).ConfigureAwait(false);
            return 1;
        });
        return command;
    }
}
