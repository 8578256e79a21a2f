using System.CommandLine;
using Drover.Api;
using Drover.Cli.Arguments;
using Drover.Cli.SetImage;

namespace Drover.Cli.Commands;

/// <summary>`drover set image (TYPE NAME | TYPE/NAME)... CONTAINER=IMAGE...`.</summary>
internal static class SetCommand
{
    private static readonly IReadOnlyList<ResourceType> ImageTargets = [ResourceTypes.Deployments, ResourceTypes.ReplicaSets, ResourceTypes.DaemonSets, ResourceTypes.CronJobs, ResourceTypes.Pods];

    public static Command Create(CliContext context)
    {
        var command = new Command("set", "Set specific features on objects");
        command.Subcommands.Add(Image(context));
        return command;
    }

    private static Command Image(CliContext context)
    {
        var args = new Argument<string[]>("ARGS")
        {
            Arity = ArgumentArity.ZeroOrMore,
            Description = "deployment/NAME (or deployment NAME; also daemonset, cronjob, replicaset, pod), then CONTAINER=IMAGE pairs; * as CONTAINER sets every container",
        };
        var command = new Command("image", "Update the image of containers in a pod template (starts a rollout for a Deployment or DaemonSet)");
        command.Arguments.Add(args);
        command.SetAction(async (parse, ct) =>
        {
            var (resources, updates) = ImageUpdates.Split(parse.GetValue(args) ?? []);
            var targets = ResourceArguments.Parse(resources, "set image", ImageTargets);
            using var session = CommandSession.Open(parse);
            return await PerTarget.RunAsync(context, targets, async target =>
            {
                await ObjectUpdates.UpdateAsync(session.Client, target.Type, session.Namespace, target.Name, current => Apply(current, updates, target), ct).ConfigureAwait(false);
                await context.Out.WriteLineAsync($"{target.Display} image updated").ConfigureAwait(false);
            }).ConfigureAwait(false);
        });
        return command;
    }

    private static KubeObject Apply(KubeObject current, IReadOnlyList<ImageUpdate> updates, ResourceTarget target) => current switch
    {
        Deployment d => d with { Spec = d.Spec with { Template = d.Spec.Template with { Spec = ImageUpdates.Apply(d.Spec.Template.Spec, updates, target.Display) } } },
        ReplicaSet rs => rs with { Spec = rs.Spec with { Template = rs.Spec.Template with { Spec = ImageUpdates.Apply(rs.Spec.Template.Spec, updates, target.Display) } } },
        DaemonSet ds => ds with { Spec = ds.Spec with { Template = ds.Spec.Template with { Spec = ImageUpdates.Apply(ds.Spec.Template.Spec, updates, target.Display) } } },
        CronJob cj => cj with { Spec = cj.Spec with { JobTemplate = cj.Spec.JobTemplate with { Spec = cj.Spec.JobTemplate.Spec with { Template = cj.Spec.JobTemplate.Spec.Template with { Spec = ImageUpdates.Apply(cj.Spec.JobTemplate.Spec.Template.Spec, updates, target.Display) } } } } },
        Pod pod => pod with { Spec = ImageUpdates.Apply(pod.Spec, updates, target.Display) },
        _ => throw new CliException($"error: set image does not support {target.Type.Plural}"),
    };
}
