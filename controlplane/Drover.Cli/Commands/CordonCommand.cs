using System.CommandLine;
using Drover.Api;
using Drover.Cli.Drain;

namespace Drover.Cli.Commands;

/// <summary>`drover cordon NODE` / `drover uncordon NODE`: keep the scheduler off a node, or let it back on.</summary>
internal static class CordonCommand
{
    public static Command Create(CliContext context, bool cordon)
    {
        var verb = cordon ? "cordon" : "uncordon";
        var nodes = NodeArgument();
        var command = new Command(verb, cordon ? "Mark a node as unschedulable" : "Mark a node as schedulable");
        command.Arguments.Add(nodes);
        command.SetAction(async (parse, ct) =>
        {
            var names = NodeNames(parse.GetValue(nodes) ?? [], verb);
            using var session = CommandSession.Open(parse);
            return await PerTarget.RunAsync(context, names, async name =>
                await context.Out.WriteLineAsync(await Cordoner.SetAsync(session.Client, name, cordon, ct).ConfigureAwait(false)).ConfigureAwait(false)).ConfigureAwait(false);
        });
        return command;
    }

    public static Argument<string[]> NodeArgument() => new("NODE")
    {
        Arity = ArgumentArity.ZeroOrMore,
        Description = "Node name (node/NAME also accepted)",
    };

    /// <summary>Node names as kubectl takes them: bare or as node/NAME; anything of another kind is refused by name.</summary>
    internal static IReadOnlyList<string> NodeNames(IReadOnlyList<string> args, string verb)
    {
        if (args.Count == 0)
            throw new CliException($"error: give the name of the node: drover {verb} NODE");
        var names = new List<string>();
        foreach (var arg in args)
        {
            var slash = arg.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0)
            {
                names.Add(arg);
                continue;
            }
            var type = ResourceKinds.Resolve(arg[..slash]);
            if (type != ResourceTypes.Nodes)
                throw new CliException($"error: {verb} works on nodes, not {type.Plural} (\"{arg}\")");
            var name = arg[(slash + 1)..];
            if (name.Length == 0)
                throw new CliException($"error: no node name in \"{arg}\"");
            names.Add(name);
        }
        return names;
    }
}
