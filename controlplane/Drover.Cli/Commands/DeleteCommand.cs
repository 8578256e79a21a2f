using System.CommandLine;
using Drover.Api;
using Drover.Api.Client;
using Drover.Cli.Manifests;
using Drover.Cli.Output;

namespace Drover.Cli.Commands;

/// <summary>`drover delete -f FILE` or `drover delete KIND NAME...`.</summary>
internal static class DeleteCommand
{
    public static Command Create(CliContext context)
    {
        var kind = new Argument<string?>("KIND") { Arity = ArgumentArity.ZeroOrOne, Description = "Resource kind (or KIND/NAME)" };
        var names = new Argument<string[]>("NAME") { Arity = ArgumentArity.ZeroOrMore, Description = "Names of the objects to delete" };
        var files = FileOptions.Filename();
        var recursive = FileOptions.Recursive();
        var cascade = new Option<string>("--cascade")
        {
            Description = "background (default), foreground or orphan",
            DefaultValueFactory = _ => "background",
        };
        cascade.AcceptOnlyFromAmong("background", "foreground", "orphan", "true", "false");
        var grace = new Option<int>("--grace-period")
        {
            Description = "Seconds the objects get to terminate; -1 keeps each object's own default",
            DefaultValueFactory = _ => -1,
        };
        var ignoreNotFound = new Option<bool>("--ignore-not-found") { Description = "Treat a missing object as deleted" };
        var command = new Command("delete", "Delete objects by file or by kind and name");
        command.Arguments.Add(kind);
        command.Arguments.Add(names);
        command.Options.Add(files);
        command.Options.Add(recursive);
        command.Options.Add(cascade);
        command.Options.Add(grace);
        command.Options.Add(ignoreNotFound);
        command.SetAction(async (parse, ct) =>
        {
            var targets = Targets(context, parse.GetValue(kind), parse.GetValue(names) ?? [], parse.GetValue(files) ?? [], parse.GetValue(recursive), out var errors);
            if (errors.Count > 0)
            {
                foreach (var error in errors)
                    await context.Error.WriteLineAsync(error).ConfigureAwait(false);
                return 1;
            }
            var options = new DeleteOptions(Propagation(parse.GetValue(cascade)), parse.GetValue(grace) is var g and >= 0 ? g : null, parse.GetValue(ignoreNotFound));
            return await RunAsync(context, parse, targets, options, ct).ConfigureAwait(false);
        });
        return command;
    }

    private sealed record DeleteOptions(string Propagation, long? GracePeriod, bool IgnoreNotFound);

    private sealed record Target(ResourceType Type, string? Namespace, string Name);

    private static List<Target> Targets(CliContext context, string? kind, string[] names, string[] files, bool recursive, out List<string> errors)
    {
        errors = [];
        if (files.Length > 0)
        {
            if (kind is not null)
                throw new CliException("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form or with -f");
            var manifests = ManifestLoader.Load(ManifestFiles.Read(files, recursive, context.In), validate: false);
            errors.AddRange(manifests.Errors);
            return [.. manifests.Objects.Select(m => new Target(m.Type, m.Object.Metadata.Namespace, m.Name))];
        }
        if (kind is null)
            throw new CliException("error: you must provide one or more resources by argument or filename");
        var slash = kind.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            names = [kind[(slash + 1)..], .. names];
            kind = kind[..slash];
        }
        var type = ResourceKinds.Resolve(kind);
        if (names.Length == 0)
            throw new CliException("error: resource(s) were provided, but no name was specified");
        return [.. names.Select(n => new Target(type, null, n))];
    }

    private static string Propagation(string? cascade) => cascade switch
    {
        "orphan" or "false" => "Orphan",
        "foreground" => "Foreground",
        _ => "Background",
    };

    private static async Task<int> RunAsync(CliContext context, ParseResult parse, List<Target> targets, DeleteOptions options, CancellationToken ct)
    {
        using var session = CommandSession.Open(parse);
        var exitCode = 0;
        foreach (var target in targets)
        {
            var ns = target.Type.Namespaced ? target.Namespace ?? session.Namespace : null;
            try
            {
                await session.Client.DeleteAsync(target.Type, ns, target.Name, options.Propagation, options.GracePeriod, ct).ConfigureAwait(false);
                await context.Out.WriteLineAsync($"{target.Type.QualifiedName} \"{target.Name}\" deleted").ConfigureAwait(false);
            }
            catch (ApiClientException e) when (e.Code == 404)
            {
                if (options.IgnoreNotFound)
                    continue;
                await context.Error.WriteLineAsync(ErrorMessages.FromServer(e)).ConfigureAwait(false);
                exitCode = 1;
            }
        }
        return exitCode;
    }
}
