using System.CommandLine;
using Drover.Api.Client;
using Drover.Cli.Apply;
using Drover.Cli.Manifests;
using Drover.Cli.Output;

namespace Drover.Cli.Commands;

/// <summary>`drover apply -f`: validate every document first, then create or patch each object.</summary>
internal static class ApplyCommand
{
    public static Command Create(CliContext context)
    {
        var files = FileOptions.Filename();
        files.Required = true;
        var recursive = FileOptions.Recursive();
        var dryRun = new Option<string?>("--dry-run") { Description = "none, client (send nothing) or server (the server checks and merges but stores nothing)" };
        var flags = new ApplyFlags("");
        var command = new Command("apply", "Create or update objects from manifests (client-side apply as kubectl, or --server-side)");
        command.Options.Add(files);
        command.Options.Add(recursive);
        command.Options.Add(dryRun);
        flags.AddTo(command);
        command.SetAction((parse, ct) =>
        {
            var options = flags.Read(parse, ApplyOptions.ParseDryRun(parse.GetValue(dryRun)));
            return RunAsync(context, parse, parse.GetValue(files) ?? [], parse.GetValue(recursive), options, ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, ParseResult parse, string[] paths, bool recursive, ApplyOptions options, CancellationToken ct)
    {
        var manifests = ManifestLoader.Load(ManifestFiles.Read(paths, recursive, context.In), validate: true);
        if (manifests.Errors.Count > 0)
        {
            // Nothing is sent when any document is bad: a rejected manifest must not half-apply.
            foreach (var error in manifests.Errors)
                await context.Error.WriteLineAsync(error).ConfigureAwait(false);
            return 1;
        }
        if (manifests.Objects.Count == 0)
            throw new CliException("error: no objects passed to apply");

        using var session = CommandSession.Open(parse);
        var applier = new Applier(session.Client, options);
        var exitCode = 0;
        foreach (var manifest in manifests.Objects)
        {
            var type = manifest.Type;
            var qualified = $"{type.QualifiedName}/{manifest.Name}";
            if (string.IsNullOrEmpty(manifest.Name))
            {
                await context.Error.WriteLineAsync($"error: {manifest.Source}: document {manifest.Document}: cannot use generateName with apply").ConfigureAwait(false);
                exitCode = 1;
                continue;
            }
            if (NamespaceConflict(session, manifest) is { } conflict)
            {
                await context.Error.WriteLineAsync(conflict).ConfigureAwait(false);
                exitCode = 1;
                continue;
            }
            var ns = type.Namespaced ? manifest.Object.Metadata.Namespace ?? session.Namespace : null;
            try
            {
                var result = await applier.ApplyAsync(manifest, ns, ct).ConfigureAwait(false);
                await context.Out.WriteLineAsync($"{qualified} {result.Verb}{options.Suffix}").ConfigureAwait(false);
            }
            catch (ApiClientException e) when (e.Code != 0)
            {
                // kubectl goes on with the other objects and reports failure in the exit code.
                await context.Error.WriteLineAsync(ErrorMessages.ForObject(manifest.Source, type, manifest.Name, e)).ConfigureAwait(false);
                exitCode = 1;
            }
        }
        return exitCode;
    }

    /// <summary>kubectl refuses an object whose namespace contradicts an explicit -n.</summary>
    internal static string? NamespaceConflict(CommandSession session, ManifestObject manifest)
    {
        var declared = manifest.Object.Metadata.Namespace;
        if (!manifest.Type.Namespaced || !session.NamespaceExplicit || string.IsNullOrEmpty(declared) || declared == session.Namespace)
            return null;
        return $"error: {manifest.Source}: the namespace from the provided object \"{declared}\" does not match the namespace \"{session.Namespace}\". You must pass '--namespace={declared}' to perform this operation.";
    }
}
