using System.CommandLine;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Drover.Api;
using Drover.Api.Client;
using Drover.Cli.Apply;
using Drover.Cli.Arguments;
using Drover.Cli.Manifests;
using Drover.Cli.Output;

namespace Drover.Cli.Commands;

/// <summary>
/// `drover edit KIND/NAME`: the object's YAML in $KUBE_EDITOR, $EDITOR or vi; what changed is sent as a merge patch
/// that carries the resourceVersion it was edited from, so a change made meanwhile by someone else is a conflict, not
/// lost. Unchanged: "Edit cancelled, no changes made."; refused: the error, and the edited copy kept for another try.
/// </summary>
internal static class EditCommand
{
    private const string Header = """
        # Please edit the object below. Lines beginning with a '#' will be ignored,
        # and an empty file will abort the edit. If an error occurs while saving this file will be
        # reopened with the relevant failures.
        #

        """;

    public static Command Create(CliContext context)
    {
        var args = new Argument<string[]>("RESOURCE") { Arity = ArgumentArity.OneOrMore, Description = "KIND/NAME or KIND NAME" };
        var output = new Option<string?>("--output", "-o") { Description = "Edit as yaml (default) or json" };
        var command = new Command("edit", "Edit an object in your editor ($KUBE_EDITOR, $EDITOR, vi)");
        command.Arguments.Add(args);
        command.Options.Add(output);
        command.SetAction(async (parse, ct) =>
        {
            var target = ResourceArguments.Parse(parse.GetValue(args) ?? [], "edit", ResourceTypes.All, single: true)[0];
            var format = OutputFormats.Parse(parse.GetValue(output) ?? "yaml").Format;
            if (format is not (OutputFormat.Yaml or OutputFormat.Json))
                throw new CliException("error: the edit output format must be yaml or json");
            using var session = CommandSession.Open(parse);
            return await EditAsync(context, session, target, format, ct).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> EditAsync(CliContext context, CommandSession session, ResourceTarget target, OutputFormat format, CancellationToken ct)
    {
        var ns = session.NamespaceFor(target.Type);
        var live = await session.Client.GetAsync(target.Type, ns, target.Name, ct).ConfigureAwait(false);
        var originalJson = JsonOutput.Object(target.Type, live);
        var text = format == OutputFormat.Json ? JsonOutput.Text(originalJson) + "\n" : Yaml(originalJson);
        var file = Path.Combine(Path.GetTempPath(), $"drover-edit-{Guid.NewGuid():N}" + (format == OutputFormat.Json ? ".json" : ".yaml"));
        await File.WriteAllTextAsync(file, Header + text, ct).ConfigureAwait(false);
        await RunEditorAsync(file, ct).ConfigureAwait(false);

        var edited = string.Join('\n', (await File.ReadAllTextAsync(file, ct).ConfigureAwait(false)).Split('\n').Where(l => !l.TrimStart().StartsWith('#')));
        if (edited.Trim().Length == 0)
        {
            File.Delete(file);
            await context.Out.WriteLineAsync("Edit cancelled, saved file was empty.").ConfigureAwait(false);
            return 0;
        }
        var manifests = ManifestLoader.Load([new ManifestFile(file, edited)], validate: true);
        if (manifests.Errors.Count > 0 || manifests.Objects.Count != 1)
            return await KeptAsync(context, file, manifests.Errors.Count > 0 ? string.Join('\n', manifests.Errors) : "error: the edited file must hold exactly one object").ConfigureAwait(false);
        var modified = manifests.Objects[0].Json;
        var original = (JsonObject)JsonNode.Parse(originalJson, documentOptions: JsonInput.DocumentOptions)!;
        if (modified["kind"]?.GetValue<string>() != target.Type.Kind || modified["metadata"]?["name"]?.GetValue<string>() != target.Name)
            return await KeptAsync(context, file, "error: the kind and name of an object cannot be changed by edit").ConfigureAwait(false);
        var patch = ThreeWayMergePatch.Create(original, modified, original);
        if (patch.Count == 0)
        {
            File.Delete(file);
            await context.Out.WriteLineAsync("Edit cancelled, no changes made.").ConfigureAwait(false);
            return 0;
        }
        // The revision edited from, as a precondition: someone else's write in between is a 409, not overwritten.
        var metadata = patch["metadata"] as JsonObject ?? new JsonObject();
        metadata["resourceVersion"] = live.Metadata.ResourceVersion;
        patch["metadata"] = metadata;
        try
        {
            await session.Client.PatchAsync(target.Type, ns, target.Name, patch.ToJsonString(), ct: ct).ConfigureAwait(false);
        }
        catch (ApiClientException e) when (e.Code != 0)
        {
            return await KeptAsync(context, file, ErrorMessages.FromServer(e)).ConfigureAwait(false);
        }
        File.Delete(file);
        await context.Out.WriteLineAsync($"{target.Display} edited").ConfigureAwait(false);
        return 0;
    }

    private static async Task<int> KeptAsync(CliContext context, string file, string error)
    {
        await context.Error.WriteLineAsync(error).ConfigureAwait(false);
        await context.Error.WriteLineAsync($"A copy of your changes has been stored to \"{file}\"").ConfigureAwait(false);
        return 1;
    }

    private static string Yaml(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        return YamlWriter.Write(document.RootElement);
    }

    /// <summary>The editor with the terminal (not redirected), as kubectl runs it: the variable may carry flags.</summary>
    private static async Task RunEditorAsync(string file, CancellationToken ct)
    {
        var editor = Environment.GetEnvironmentVariable("KUBE_EDITOR") ?? Environment.GetEnvironmentVariable("EDITOR");
        var words = string.IsNullOrWhiteSpace(editor) ? ["vi"] : editor.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var info = new ProcessStartInfo(words[0]) { UseShellExecute = false };
        foreach (var word in words.Skip(1))
            info.ArgumentList.Add(word);
        info.ArgumentList.Add(file);
        try
        {
            using var process = Process.Start(info) ?? throw new CliException($"error: could not start the editor \"{words[0]}\"");
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
            if (process.ExitCode != 0)
                throw new CliException($"error: there was a problem with the editor \"{string.Join(' ', words)}\" (exit code {process.ExitCode})");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new CliException($"error: could not start the editor \"{words[0]}\": {e.Message}");
        }
    }
}
