using System.CommandLine;
using Drover.Api;
using Drover.Api.Client;
using Drover.Cli.Output;
using Drover.Api.Printing;
using Drover.Cli.Get;

namespace Drover.Cli.Commands;

/// <summary>`drover get KIND [NAME...]`: kubectl's tables, -o json|yaml|name|wide|jsonpath|custom-columns, --sort-by, several kinds, selectors, -A and -w.</summary>
internal static class GetCommand
{
    public static Command Create(CliContext context)
    {
        var kind = new Argument<string>("KIND") { Description = "Resource kind: pods, deploy, svc, ...; several as a,b; all; or KIND/NAME" };
        var names = new Argument<string[]>("NAME") { Arity = ArgumentArity.ZeroOrMore, Description = "Names; all objects when omitted" };
        var output = new Option<string?>("--output", "-o") { Description = "Output format: wide, json, yaml, name, jsonpath=TEMPLATE, jsonpath-file=F, custom-columns=SPEC, custom-columns-file=F" };
        var selector = new Option<string?>("--selector", "-l") { Description = "Label selector, e.g. app=my-app" };
        var fieldSelector = new Option<string?>("--field-selector") { Description = "Field selector, e.g. spec.nodeName=node1" };
        var allNamespaces = new Option<bool>("--all-namespaces", "-A") { Description = "List across all namespaces" };
        var watch = new Option<bool>("--watch", "-w") { Description = "After listing, watch for changes (Ctrl-C to stop)" };
        var noHeaders = new Option<bool>("--no-headers") { Description = "Print tables without the header row" };
        var showLabels = new Option<bool>("--show-labels") { Description = "Add a LABELS column with every label" };
        var labelColumns = new Option<string[]>("--label-columns", "-L") { Description = "Add a column per label key (comma-separated, repeatable)", AllowMultipleArgumentsPerToken = false };
        var sortBy = new Option<string?>("--sort-by") { Description = "Sort by a JSONPath expression, e.g. .metadata.creationTimestamp" };
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
        command.Options.Add(sortBy);
        command.SetAction((parse, ct) =>
        {
            var request = new GetRequest(
                GetTargets.Parse(parse.GetValue(kind)!, parse.GetValue(names) ?? []), OutputFormats.Parse(parse.GetValue(output)),
                parse.GetValue(selector), parse.GetValue(fieldSelector), parse.GetValue(allNamespaces), parse.GetValue(watch), parse.GetValue(noHeaders),
                LabelColumns.For(parse.GetValue(labelColumns) ?? [], parse.GetValue(showLabels)), SortBy.Parse(parse.GetValue(sortBy)));
            return RunAsync(context, parse, request, ct);
        });
        return command;
    }

    private sealed record GetRequest(IReadOnlyList<GetTarget> Targets, OutputSpec Output, string? Selector, string? FieldSelector, bool AllNamespaces, bool Watch, bool NoHeaders,
        IReadOnlyList<Column> ExtraColumns, SortBy? SortBy)
    {
        public bool SeveralKinds => Targets.Count > 1;

        /// <summary>kubectl prints a lone named object bare; anything else is a List, even when empty.</summary>
        public bool AsList => !(Targets.Count == 1 && Targets[0].Names.Count == 1) || Watch;
    }

    private static async Task<int> RunAsync(CliContext context, ParseResult parse, GetRequest request, CancellationToken ct)
    {
        if (request.Watch && request.SeveralKinds)
            throw new CliException("error: you may only specify a single resource type");
        using var session = CommandSession.Open(parse);
        var now = context.Time.GetUtcNow();
        var exitCode = 0;
        var read = new List<(ResourceType Type, List<KubeObject> Items, string? ResourceVersion)>();
        string? lastNamespace = null;
        foreach (var target in request.Targets)
        {
            var ns = request.AllNamespaces ? null : session.NamespaceFor(target.Type);
            lastNamespace = ns ?? lastNamespace;
            var (items, resourceVersion, failed) = await ReadAsync(context, session.Client, target, ns, request, ct).ConfigureAwait(false);
            exitCode |= failed ? 1 : 0;
            if (request.SortBy is { } sort)
                items = sort.Sort(target.Type, items);
            read.Add((target.Type, items, resourceVersion));
        }

        var anyNames = request.Targets.Any(t => t.Names.Count > 0);
        var printedHeader = false;
        if (request.Output.IsTable)
        {
            var tables = new List<string>();
            foreach (var (type, items, _) in read.Where(r => r.Items.Count > 0))
                tables.Add(Table(type, request).Render(items, now, request.NoHeaders));
            if (tables.Count == 0 && !anyNames)
                await context.Error.WriteLineAsync(NoResources(request.Targets[0].Type, request.AllNamespaces ? null : lastNamespace ?? session.NamespaceFor(request.Targets[0].Type))).ConfigureAwait(false);
            await context.Out.WriteAsync(string.Join("\n", tables)).ConfigureAwait(false);
            printedHeader = tables.Count > 0;
        }
        else if (read.Sum(r => r.Items.Count) > 0 || !anyNames)
        {
            await context.Out.WriteAsync(Printed(request.Output, [.. read.SelectMany(r => r.Items.Select(i => (r.Type, i)))], request.AsList)).ConfigureAwait(false);
        }
        await context.Out.FlushAsync(ct).ConfigureAwait(false);

        if (!request.Watch)
            return exitCode;
        var watched = request.Targets[0];
        var watchNamespace = request.AllNamespaces ? null : session.NamespaceFor(watched.Type);
        var watcher = new Watcher(context, session.Client, watched.Type, watchNamespace, request, Table(watched.Type, request), printedHeader || request.NoHeaders);
        var fieldSelector = watched.Names.Count == 1 ? JoinSelectors(request.FieldSelector, "metadata.name=" + watched.Names[0]) : request.FieldSelector;
        return await watcher.RunAsync(read[0].ResourceVersion, fieldSelector, ct).ConfigureAwait(false);
    }

    private static async Task<(List<KubeObject> Items, string? ResourceVersion, bool Failed)> ReadAsync(
        CliContext context, DroverClient client, GetTarget target, string? ns, GetRequest request, CancellationToken ct)
    {
        if (target.Names.Count == 0)
        {
            var page = await client.ListAsync(target.Type, ns, request.Selector, request.FieldSelector, ct: ct).ConfigureAwait(false);
            List<KubeObject> listed = [.. page.Items];
            if (target.Type.Kind == "Event" && request.SortBy is null)
                listed = [.. listed.OrderBy(i => CoreColumns.LastSeen((Event)i))];
            return (listed, page.ResourceVersion, false);
        }
        var items = new List<KubeObject>();
        var failed = false;
        foreach (var name in target.Names)
        {
            try
            {
                items.Add(await client.GetAsync(target.Type, ns, name, ct).ConfigureAwait(false));
            }
            catch (ApiClientException e) when (e.Code == 404)
            {
                await context.Error.WriteLineAsync(ErrorMessages.FromServer(e)).ConfigureAwait(false);
                failed = true;
            }
        }
        return (items, null, failed);
    }

    /// <summary>The table for one kind: its columns (or the custom ones); with several kinds, names are KIND/NAME as kubectl prints them.</summary>
    private static TablePrinter Table(ResourceType type, GetRequest request)
    {
        IReadOnlyList<Column> columns = request.Output.Columns is { } custom
            ? custom.For(type)
            : [.. ColumnSets.For(type).Select(c => request.SeveralKinds && c.Header == "NAME" ? c with { Value = (o, now) => type.QualifiedName + "/" + c.Value(o, now) } : c), .. request.ExtraColumns];
        return new TablePrinter(columns, request.Output.Format == OutputFormat.Wide, request.AllNamespaces && type.Namespaced);
    }

    /// <summary>-o json|yaml|name|jsonpath of objects that may be of several kinds.</summary>
    internal static string Printed(OutputSpec output, IReadOnlyList<(ResourceType Type, KubeObject Object)> items, bool asList)
    {
        if (output.Format == OutputFormat.Name)
            return string.Concat(items.Select(i => JsonOutput.Name(i.Type, i.Object) + "\n"));
        var json = asList || items.Count != 1 ? JsonOutput.List(items) : JsonOutput.Object(items[0].Type, items[0].Object);
        return output.Format switch
        {
            OutputFormat.Json => JsonOutput.Text(json) + "\n",
            OutputFormat.JsonPath => JsonPathOutput.Render(output.Template!, json),
            _ => YamlOutput(json),
        };
    }

    private static string YamlOutput(byte[] json)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        return YamlWriter.Write(document.RootElement);
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
            if (request.Output.IsTable)
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
                text = Printed(request.Output, [(type, obj)], asList: false);
                if (request.Output.Format == OutputFormat.Yaml)
                    text += "---\n";
            }
            await context.Out.WriteAsync(text).ConfigureAwait(false);
            await context.Out.FlushAsync(ct).ConfigureAwait(false);
        }
    }
}
