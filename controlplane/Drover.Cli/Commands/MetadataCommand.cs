using System.CommandLine;
using System.Text.Json;
using Drover.Api;
using Drover.Api.Client;
using Drover.Cli.Arguments;
using Drover.Cli.Metadata;

namespace Drover.Cli.Commands;

/// <summary>`drover label|annotate (TYPE NAME | TYPE/NAME)... KEY=VAL... KEY-... [--overwrite]`, as kubectl's.</summary>
internal static class MetadataCommand
{
    public static Command Label(CliContext context) => Create(context, "label", "labels", "labeled", "Update the labels on objects");

    public static Command Annotate(CliContext context) => Create(context, "annotate", "annotations", "annotated", "Update the annotations on objects");

    private static Command Create(CliContext context, string verb, string field, string done, string description)
    {
        var words = new Argument<string[]>("ARGS") { Arity = ArgumentArity.OneOrMore, Description = "TYPE NAME... or TYPE/NAME..., then KEY=VALUE to set and KEY- to remove" };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace a value the key already has (otherwise that is an error)" };
        var command = new Command(verb, description);
        command.Arguments.Add(words);
        command.Options.Add(overwrite);
        command.SetAction(async (parse, ct) =>
        {
            var what = verb == "label" ? "label" : "annotation";
            var (resources, changes) = MetadataChanges.Parse(parse.GetValue(words) ?? [], what);
            var targets = ResourceArguments.Parse(resources, verb, ResourceTypes.All);
            using var session = CommandSession.Open(parse);
            return await PerTarget.RunAsync(context, targets, async target =>
            {
                var ns = session.NamespaceFor(target.Type);
                var current = await session.Client.GetAsync(target.Type, ns, target.Name, ct).ConfigureAwait(false);
                var map = field == "labels" ? current.Metadata.Labels : current.Metadata.Annotations;
                var patch = changes.PatchFor(map, parse.GetValue(overwrite), field);
                if (patch is null)
                {
                    await context.Out.WriteLineAsync($"{target.Display} not {done}").ConfigureAwait(false);
                    return;
                }
                await session.Client.PatchAsync(target.Type, ns, target.Name, patch.ToJsonString(), ct: ct).ConfigureAwait(false);
                await context.Out.WriteLineAsync($"{target.Display} {done}").ConfigureAwait(false);
            }).ConfigureAwait(false);
        });
        return command;
    }
}
