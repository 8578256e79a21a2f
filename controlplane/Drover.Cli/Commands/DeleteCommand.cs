using System.CommandLine;
using Drover.Api;
using Drover.Api.Client;
using Drover.Cli.Arguments;
using Drover.Cli.Manifests;
using Drover.Cli.Output;

namespace Drover.Cli.Commands;

/// <summary>`drover delete -f FILE`, `drover delete KIND NAME...`, or `drover delete KIND -l SELECTOR | --all`; `--wait` until gone.</summary>
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
        var selector = new Option<string?>("--selector", "-l") { Description = "Delete the objects of KIND this label selector matches" };
        var all = new Option<bool>("--all") { Description = "Delete every object of KIND in the namespace" };
        var wait = new Option<bool>("--wait") { Description = "Wait until the objects are gone (finalizers done, pods terminated); kubectl waits by default, drover only when asked" };
        var timeout = new Option<string>("--timeout") { Description = "How long --wait waits, e.g. 60s; 0s waits until gone", DefaultValueFactory = _ => "0s" };
        var command = new Command("delete", "Delete objects by file or by kind and name");
        command.Arguments.Add(kind);
        command.Arguments.Add(names);
        command.Options.Add(files);
        command.Options.Add(recursive);
        command.Options.Add(cascade);
        command.Options.Add(grace);
        command.Options.Add(ignoreNotFound);
        command.Options.Add(selector);
        command.Options.Add(all);
        command.Options.Add(wait);
        command.Options.Add(timeout);
        command.SetAction(async (parse, ct) =>
        {
            var labelSelector = parse.GetValue(selector);
            var deleteAll = parse.GetValue(all);
            var limit = GoDuration.Parse(parse.GetValue(timeout), "--timeout");
            List<Target> targets;
            List<string> errors;
            if (labelSelector is not null || deleteAll)
            {
                if (labelSelector is not null && deleteAll)
                    throw new CliException("error: --all and --selector cannot be used together");
                targets = await SelectedAsync(context, parse, parse.GetValue(kind), parse.GetValue(names) ?? [], parse.GetValue(files) ?? [], labelSelector, ct).ConfigureAwait(false);
                errors = [];
            }
            else
            {
                targets = Targets(context, parse.GetValue(kind), parse.GetValue(names) ?? [], parse.GetValue(files) ?? [], parse.GetValue(recursive), out errors);
            }
            if (errors.Count > 0)
            {
                foreach (var error in errors)
                    await context.Error.WriteLineAsync(error).ConfigureAwait(false);
                return 1;
            }
            var options = new DeleteOptions(Propagation(parse.GetValue(cascade)), parse.GetValue(grace) is var g and >= 0 ? g : null, parse.GetValue(ignoreNotFound),
                parse.GetValue(wait), limit);
            return await RunAsync(context, parse, targets, options, ct).ConfigureAwait(false);
        });
        return command;
    }

    private sealed record DeleteOptions(string Propagation, long? GracePeriod, bool IgnoreNotFound, bool Wait, TimeSpan Timeout);

    /// <summary>-l / --all: the objects of one kind in the session's namespace that the selector matches (all for --all).</summary>
    private static async Task<List<Target>> SelectedAsync(CliContext context, ParseResult parse, string? kind, string[] names, string[] files, string? labelSelector, CancellationToken ct)
    {
        if (files.Length > 0 || names.Length > 0 || kind is null || kind.Contains('/', StringComparison.Ordinal))
            throw new CliException("error: --selector and --all take a resource type only, e.g. drover delete pods -l app=my-app");
        var type = ResourceKinds.Resolve(kind);
        using var session = CommandSession.Open(parse);
        var ns = session.NamespaceFor(type);
        var page = await session.Client.ListAsync(type, ns, labelSelector, ct: ct).ConfigureAwait(false);
        if (page.Items.Count == 0)
            await context.Error.WriteLineAsync(GetCommand.NoResources(type, ns)).ConfigureAwait(false);
        return [.. page.Items.Select(o => new Target(type, o.Metadata.Namespace, o.Metadata.Name!))];
    }

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
        var deleted = new List<(Target Target, string? Namespace)>();
        foreach (var target in targets)
        {
            var ns = target.Type.Namespaced ? target.Namespace ?? session.Namespace : null;
            try
            {
                await session.Client.DeleteAsync(target.Type, ns, target.Name, options.Propagation, options.GracePeriod, ct).ConfigureAwait(false);
                await context.Out.WriteLineAsync($"{target.Type.QualifiedName} \"{target.Name}\" deleted").ConfigureAwait(false);
                deleted.Add((target, ns));
            }
            catch (ApiClientException e) when (e.Code == 404)
            {
                if (options.IgnoreNotFound)
                    continue;
                await context.Error.WriteLineAsync(ErrorMessages.FromServer(e)).ConfigureAwait(false);
                exitCode = 1;
            }
        }
        if (options.Wait && deleted.Count > 0)
            exitCode = Math.Max(exitCode, await WaitGoneAsync(context, session.Client, deleted, options.Timeout, ct).ConfigureAwait(false));
        return exitCode;
    }

    /// <summary>--wait: polls each object until it is gone (its finalizers and, for a pod, the agent's termination done).</summary>
    private static async Task<int> WaitGoneAsync(CliContext context, DroverClient client, List<(Target Target, string? Namespace)> deleted, TimeSpan timeout, CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (timeout > TimeSpan.Zero)
            limit.CancelAfter(timeout);
        foreach (var (target, ns) in deleted)
        {
            try
            {
                while (true)
                {
                    try
                    {
                        await client.GetAsync(target.Type, ns, target.Name, limit.Token).ConfigureAwait(false);
                    }
                    catch (ApiClientException e) when (e.Code == 404)
                    {
                        break;
                    }
                    await Task.Delay(TimeSpan.FromMilliseconds(500), context.Time, limit.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                await context.Error.WriteLineAsync($"error: timed out waiting for the condition on {ResourceKinds.PluralQualified(target.Type)}/{target.Name}").ConfigureAwait(false);
                return 1;
            }
        }
        return 0;
    }
}
