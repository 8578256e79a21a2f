using System.CommandLine;
using Drover.Api;
using Drover.Api.Client;
using Drover.Cli.Output;
using Drover.Api.Printing;

namespace Drover.Cli.Commands;

/// <summary>`drover get KIND [NAME...]`: kubectl's tables, -o json|yaml|name|wide, selectors, -A and -w.</summary>
internal static class GetCommand
{
    public static Command Create(CliContext context)
    {
        var kind = new Argument<string>("KIND") { Description = "Resource kind: pods, deploy, svc, ... (or KIND/NAME)" };
        var names = new Argument<string[]>("NAME") { Arity = ArgumentArity.ZeroOrMore, Description = "Names; all objects when omitted" };
        var output = new Option<string?>("--output", "-o") { Description = "Output format: wide, json, yaml, name" };
        var selector = new Option<string?>("--selector", "-l") { Description = "Label selector, e.g. app=my-app" };
        var fieldSelector = new Option<string?>("--field-selector") { Description = "Field selector, e.g. spec.nodeName=node1" };
        var allNamespaces = new Option<bool>("--all-namespaces", "-A") { Description = "List across all namespaces" };
        var watch = new Option<bool>("--watch", "-w") { Description = "After listing, watch for changes (Ctrl-C to stop)" };
        var noHeaders = new Option<bool>("--no-headers") { Description = "Print tables without the header row" };
        var showLabels = new Option<bool>("--show-labels") { Description = "Add a LABELS column with every label" };
        var labelColumns = new Option<string[]>("--label-columns", "-L") { Description = "Add a column per label key (comma-separated, repeatable)", AllowMultipleArgumentsPerToken = false };
        var command = new Command("get", "Display one or many objects");
        command.Arguments.Add(kind);
        command.Arguments.Add(names);
        command.Options.Add(output);
        command.Options.Add(selector);
        command.Options.Add(fieldSelector);
        command.Options.Add(allNamespaces);
        command.Options.Add(watch);
        command.Options.Add(noHeaders);
        command.Options.Add(showLabels);
        command.Options.Add(labelColumns);
        command.SetAction((parse, ct) =>
        {
            var request = new GetRequest(
                parse.GetValue(kind)!, parse.GetValue(names) ?? [], OutputFormats.Parse(parse.GetValue(output)),
                parse.GetValue(selector), parse.GetValue(fieldSelector), parse.GetValue(allNamespaces), parse.GetValue(watch), parse.GetValue(noHeaders),
                LabelColumns.For(parse.GetValue(labelColumns) ?? [], parse.GetValue(showLabels)));
            return RunAsync(context, parse, request, ct);
        });
        return command;
    }

    private sealed record GetRequest(string Kind, string[] Names, OutputFormat Format, string? Selector, string? FieldSelector, bool AllNamespaces, bool Watch, bool NoHeaders,
        IReadOnlyList<Column> ExtraColumns);

    private static async Task<int> RunAsync(CliContext context, ParseResult parse, GetRequest request, CancellationToken ct)
    {
        var (kindText, names) = SplitKindName(request.Kind, request.Names);
        var type = ResourceKinds.Resolve(kindText);
        using var session = CommandSession.Open(parse);
        var ns = request.AllNamespaces ? null : session.NamespaceFor(type);
        var table = new TablePrinter([.. ColumnSets.For(type), .. request.ExtraColumns], request.Format == OutputFormat.Wide, request.AllNamespaces && type.Namespaced);
        var now = context.Time.GetUtcNow();
        var exitCode = 0;

        List<KubeObject> items;
        string? resourceVersion = null;
        if (names.Length > 0)
        {
            items = [];
            foreach (var name in names)
            {
                try
                {
                    items.Add(await session.Client.GetAsync(type, ns, name, ct).ConfigureAwait(false));
                }
                catch (ApiClientException e) when (e.Code == 404)
                {
                    await context.Error.WriteLineAsync(ErrorMessages.FromServer(e)).ConfigureAwait(false);
                    exitCode = 1;
                }
            }
        }
        else
        {
            var page = await session.Client.ListAsync(type, ns, request.Selector, request.FieldSelector, ct: ct).ConfigureAwait(false);
            items = [.. page.Items];
            resourceVersion = page.ResourceVersion;
            if (type.Kind == "Event")
                items = [.. items.OrderBy(i => CoreColumns.LastSeen((Event)i))];
        }

        var printedHeader = false;
        if (request.Format is OutputFormat.Table or OutputFormat.Wide)
        {
            if (items.Count == 0 && names.Length == 0)
                await context.Error.WriteLineAsync(NoResources(type, ns)).ConfigureAwait(false);
            else if (items.Count > 0)
            {
                await context.Out.WriteAsync(table.Render(items, now, request.NoHeaders)).ConfigureAwait(false);
                printedHeader = true;
            }
        }
        else if (items.Count > 0 || names.Length == 0)
        {
            // With names, kubectl prints a lone object bare; a listing is always a List, even when empty.
            await context.Out.WriteAsync(ObjectPrinter.Render(request.Format, type, items, asList: names.Length != 1 && !request.Watch)).ConfigureAwait(false);
        }
        await context.Out.FlushAsync(ct).ConfigureAwait(false);

        if (!request.Watch)
            return exitCode;
        var watcher = new Watcher(context, session.Client, type, ns, request, table, printedHeader || request.NoHeaders);
        var fieldSelector = names.Length == 1 ? JoinSelectors(request.FieldSelector, "metadata.name=" + names[0]) : request.FieldSelector;
        return await watcher.RunAsync(resourceVersion, fieldSelector, ct).ConfigureAwait(false);
    }

    /// <summary>"deploy/my-app" is accepted as kind and name in one, as kubectl does.</summary>
    private static (string Kind, string[] Names) SplitKindName(string kind, string[] names)
    {
        var slash = kind.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? (kind, names) : (kind[..slash], [kind[(slash + 1)..], .. names]);
    }

    internal static string NoResources(ResourceType type, string? ns) =>
        type.Namespaced && ns is not null ? $"No resources found in {ns} namespace." : "No resources found";

    private static string JoinSelectors(string? a, string b) => string.IsNullOrEmpty(a) ? b : a + "," + b;

    /// <summary>`-w`: streams changes after the initial listing, resuming from the last revision seen.</summary>
    private sealed class Watcher(CliContext context, DroverClient client, ResourceType type, string? ns, GetRequest request, TablePrinter table, bool headerPrinted)
    {
        private bool _headerPrinted = headerPrinted;

        public async Task<int> RunAsync(string? resourceVersion, string? fieldSelector, CancellationToken ct)
        {
            try
            {
                while (!ct.IsCancellationRequested)
                {
                    var expired = false;
                    await foreach (var change in client.WatchAsync(type, ns, resourceVersion, request.Selector, fieldSelector, ct: ct).ConfigureAwait(false))
                    {
                        if (change.Type == WatchEventTypes.Error)
                        {
                            // 410 Gone: the revision was compacted; start again from the present.
                            if (change.Error?.Code != 410)
                                throw new ApiClientException(change.Error ?? new Status { Code = 500, Message = "watch failed" });
                            expired = true;
                            break;
                        }
                        if (change.ResourceVersion is { } rv)
                            resourceVersion = rv;
                        if (change.Type != WatchEventTypes.Bookmark && change.Object is { } obj)
                            await PrintAsync(obj, ct).ConfigureAwait(false);
                    }
                    if (expired)
                        resourceVersion = (await client.ListAsync(type, ns, request.Selector, fieldSelector, ct: ct).ConfigureAwait(false)).ResourceVersion;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Ctrl-C is how a watch ends.
            }
            return 0;
        }

        private async Task PrintAsync(KubeObject obj, CancellationToken ct)
        {
            string text;
            if (request.Format is OutputFormat.Table or OutputFormat.Wide)
            {
                var rows = new List<string[]>();
                if (!_headerPrinted)
                    rows.Add(table.Header());
                _headerPrinted = true;
                rows.Add(table.Row(obj, context.Time.GetUtcNow()));
                text = table.Format(rows);
            }
            else
            {
                text = ObjectPrinter.Render(request.Format, type, [obj], asList: false);
                if (request.Format == OutputFormat.Yaml)
                    text += "---\n";
            }
            await context.Out.WriteAsync(text).ConfigureAwait(false);
            await context.Out.FlushAsync(ct).ConfigureAwait(false);
        }
    }
}
