using System.CommandLine;
using Drover.Api;
using Drover.Api.Client;
using Drover.Cli.Arguments;
using Drover.Cli.Scaling;

namespace Drover.Cli.Commands;

/// <summary>`drover scale (TYPE NAME | TYPE/NAME)... --replicas=N`, through the /scale subresource as kubectl does.</summary>
internal static class ScaleCommand
{
    private static readonly IReadOnlyList<ResourceType> Scalable = [ResourceTypes.Deployments, ResourceTypes.ReplicaSets];

    public static Command Create(CliContext context)
    {
        var resource = new Argument<string[]>("RESOURCE")
        {
            Arity = ArgumentArity.ZeroOrMore,
            Description = "deployment/NAME or replicaset/NAME (also TYPE NAME)",
        };
        var replicas = new Option<int?>("--replicas") { Description = "The new number of replicas (required, >= 0)" };
        var currentReplicas = new Option<int>("--current-replicas")
        {
            Description = "Precondition: scale only if the current replicas are this many; -1 (default) for no condition",
            DefaultValueFactory = _ => -1,
        };
        var resourceVersion = new Option<string?>("--resource-version") { Description = "Precondition: scale only if the object's resourceVersion is this" };
        var command = new Command("scale", "Set a new size for a Deployment or ReplicaSet");
        command.Arguments.Add(resource);
        command.Options.Add(replicas);
        command.Options.Add(currentReplicas);
        command.Options.Add(resourceVersion);
        command.SetAction(async (parse, ct) =>
        {
            var count = ScalePreconditions.ValidateReplicas(parse.GetValue(replicas));
            var targets = ResourceArguments.Parse(parse.GetValue(resource) ?? [], "scale", Scalable);
            var preconditions = ScalePreconditions.From(parse.GetValue(currentReplicas), parse.GetValue(resourceVersion));
            using var session = CommandSession.Open(parse);
            return await PerTarget.RunAsync(context, targets, async target =>
            {
                await ScaleAsync(session.Client, session.Namespace, target, count, preconditions, ct).ConfigureAwait(false);
                await context.Out.WriteLineAsync($"{target.Display} scaled").ConfigureAwait(false);
            }).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task ScaleAsync(DroverClient client, string ns, ResourceTarget target, int replicas, ScalePreconditions preconditions, CancellationToken ct)
    {
        if (!preconditions.Any)
        {
            await client.PatchScaleAsync(target.Type, ns, target.Name, replicas, ct).ConfigureAwait(false);
            return;
        }
        // With a precondition the check and the write must see the same object: PUT with the resourceVersion read.
        // Changed in between: check the precondition again against the new state (not with --resource-version: that
        // precondition names one state, and a conflict means it is gone).
        await ConflictRetry.RetryOnConflictAsync(async token =>
        {
            var current = await client.GetScaleAsync(target.Type, ns, target.Name, token).ConfigureAwait(false);
            preconditions.Check(current);
            await client.UpdateScaleAsync(target.Type, current with { Spec = current.Spec with { Replicas = replicas } }, token).ConfigureAwait(false);
        }, maxAttempts: preconditions.ResourceVersion is null ? ConflictRetry.DefaultAttempts : 1, ct).ConfigureAwait(false);
    }
}
