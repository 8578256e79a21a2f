using System.CommandLine;
using Drover.Api.Client;
using Drover.Cli.Apply;
using Drover.Cli.Diff;
using Drover.Cli.Manifests;
using Drover.Cli.Output;

namespace Drover.Cli.Commands;

/// <summary>
/// `drover diff -f FILE`: what `apply` would change. Each object is applied as a server dry run (client-side merge, or
/// `--server-side`), and the live and merged YAML are compared with `diff -u -N`. Exit 0: no differences; 1: some;
/// more: an error (kubectl's convention, so scripts can tell them apart).
/// </summary>
internal static class DiffCommand
{
    public static Command Create(CliContext context)
    {
        var files = FileOptions.Filename();
        files.Required = true;
        var recursive = FileOptions.Recursive();
        var flags = new ApplyFlags(", compared instead of a client-side apply");
        var command = new Command("diff", "Show what apply -f would change, as a unified diff");
        command.Options.Add(files);
        command.Options.Add(recursive);
        flags.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                var options = flags.Read(parse, DryRun.Server);
                return await RunAsync(context, parse, parse.GetValue(files) ?? [], parse.GetValue(recursive), options, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (CliApplication.Describe(e) is { } message)
            {
                // 1 means "differences"; a failure must be told apart.
                await context.Error.WriteLineAsync(message).ConfigureAwait(false);
                return 2;
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, ParseResult parse, string[] paths, bool recursive, ApplyOptions options, CancellationToken ct)
    {
        var manifests = ManifestLoader.Load(ManifestFiles.Read(paths, recursive, context.In), validate: true);
        if (manifests.Errors.Count > 0)
        {
            foreach (var error in manifests.Errors)
                await context.Error.WriteLineAsync(error).ConfigureAwait(false);
            return 2;
        }
        using var session = CommandSession.Open(parse);
        var applier = new Applier(session.Client, options);
        using var files = new DiffFiles();
        foreach (var manifest in manifests.Objects)
        {
            if (ApplyCommand.NamespaceConflict(session, manifest) is { } conflict)
                throw new CliException(conflict);
            var ns = manifest.Type.Namespaced ? manifest.Object.Metadata.Namespace ?? session.Namespace : null;
            var live = await session.Client.TryGetAsync(manifest.Type, ns, manifest.Name, ct).ConfigureAwait(false);
            ApplyResult result;
            try
            {
                result = await applier.ApplyAsync(manifest, ns, ct).ConfigureAwait(false);
            }
            catch (ApiClientException e) when (e.Code != 0)
            {
                throw new CliException(ErrorMessages.ForObject(manifest.Source, manifest.Type, manifest.Name, e));
            }
            files.Add(manifest.Type, ns, manifest.Name, live, result.Object ?? live);
        }
        return await ExternalDiff.RunAsync(context, files.Live, files.Merged, ct).ConfigureAwait(false);
    }
}
