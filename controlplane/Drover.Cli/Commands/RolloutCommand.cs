using System.CommandLine;
using Drover.Api;
using Drover.Cli.Arguments;

namespace Drover.Cli.Commands;

/// <summary>`drover rollout status|history|undo|restart|pause|resume`, on Deployments as kubectl's are.</summary>
internal static class RolloutCommand
{
    public static readonly IReadOnlyList<ResourceType> Supported = [ResourceTypes.Deployments];

    /// <summary>The verbs kubectl also serves for DaemonSets (status, history and undo).</summary>
    public static readonly IReadOnlyList<ResourceType> WithDaemonSets = [ResourceTypes.Deployments, ResourceTypes.DaemonSets];

    public static Command Create(CliContext context)
    {
        var command = new Command("rollout", "Manage the rollout of a Deployment: status, history, undo, restart, pause, resume");
        command.Subcommands.Add(RolloutStatusCommand.Create(context));
        command.Subcommands.Add(RolloutHistoryCommand.Create(context));
        command.Subcommands.Add(RolloutUndoCommand.Create(context));
        command.Subcommands.Add(RolloutRestartCommand.Create(context));
        command.Subcommands.Add(RolloutPauseCommand.Create(context, pause: true));
        command.Subcommands.Add(RolloutPauseCommand.Create(context, pause: false));
        return command;
    }

    /// <summary>The (TYPE NAME | TYPE/NAME) argument every rollout verb takes.</summary>
    public static Argument<string[]> ResourceArgument() => new("RESOURCE")
    {
        Arity = ArgumentArity.ZeroOrMore,
        Description = "deployment/NAME or daemonset/NAME (also deploy/NAME, ds/NAME, deployments/NAME or deployment NAME)",
    };

    public static IReadOnlyList<ResourceTarget> Targets(ParseResult parse, Argument<string[]> argument, string verb, bool single = false, IReadOnlyList<ResourceType>? supported = null) =>
        ResourceArguments.Parse(parse.GetValue(argument) ?? [], verb, supported ?? Supported, single);

    /// <summary>--revision and --to-revision: kubectl's check, naming the flag.</summary>
    public static long Revision(long value, string flag) =>
        value >= 0 ? value : throw new CliException($"error: {flag} must be a positive integer: {value}");
}
