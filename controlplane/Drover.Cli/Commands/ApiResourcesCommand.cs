using System.CommandLine;
using System.Text.Json;
using Drover.Api.Client;
using Drover.Cli.Output;

namespace Drover.Cli.Commands;

/// <summary>
/// `drover api-resources`: the resources the server serves, from the same discovery documents kubectl reads (/api/v1,
/// /apis and each group's preferred version), filtered, sorted and printed as kubectl 1.32 prints them.
/// </summary>
internal static class ApiResourcesCommand
{
    public static Command Create(CliContext context)
    {
        var output = new Option<string?>("--output", "-o") { Description = "Output format: wide or name" };
        var apiGroup = new Option<string?>("--api-group") { Description = "Limit to resources in this API group (\"\" for the core group)" };
        var namespaced = new Option<bool?>("--namespaced") { Description = "true: namespaced resources only; false: cluster-scoped only" };
        var verbs = new Option<string[]>("--verbs") { Description = "Limit to resources that support all these verbs", AllowMultipleArgumentsPerToken = false };
        var categories = new Option<string[]>("--categories") { Description = "Limit to resources in all these categories" };
        var sortBy = new Option<string?>("--sort-by") { Description = "name or kind" };
        var noHeaders = new Option<bool>("--no-headers") { Description = "Print without the header row" };
        var command = new Command("api-resources", "Print the supported API resources on the server")
        {
            output, apiGroup, namespaced, verbs, categories, sortBy, noHeaders,
        };
        command.SetAction(async (parse, ct) =>
        {
            var format = parse.GetValue(output) ?? "";
            if (format is not ("" or "wide" or "name"))
                throw new CliException($"error: --output {format} is not available");
            var sort = parse.GetValue(sortBy) ?? "";
            if (sort is not ("" or "name" or "kind"))
                throw new CliException("error: --sort-by accepts only name or kind");
            using var session = CommandSession.Open(parse);
            var resources = await DiscoverAsync(session.Client, ct).ConfigureAwait(false);
            var group = parse.GetResult(apiGroup) is null ? null : parse.GetValue(apiGroup) ?? "";
            var scope = parse.GetValue(namespaced);
            var wantedVerbs = Split(parse.GetValue(verbs));
            var wantedCategories = Split(parse.GetValue(categories));
            var selected = resources
                .Where(r => group is null || r.Group == group)
                .Where(r => scope is null || r.Namespaced == scope)
                .Where(r => wantedVerbs.All(r.Verbs.Contains))
                .Where(r => wantedCategories.All(r.Categories.Contains))
                .ToList();
            // kubectl sorts stably by group (or by name, or kind), then by name.
            Func<DiscoveredResource, string> key = sort switch
            {
                "name" => r => r.Name,
                "kind" => r => r.Kind,
                _ => r => r.Group,
            };
            selected = [.. selected.OrderBy(key, StringComparer.Ordinal).ThenBy(r => r.Name, StringComparer.Ordinal)];
            var writer = new TabWriter(6, 3);
            if (format == "name")
            {
                foreach (var r in selected)
                    writer.WriteLine(r.Group.Length == 0 ? r.Name : r.Name + "." + r.Group);
            }
            else
            {
                var wide = format == "wide";
                if (!parse.GetValue(noHeaders))
                    writer.WriteLine(string.Join('\t', wide ? Headers.Concat(["VERBS", "CATEGORIES"]) : Headers));
                foreach (var r in selected)
                {
                    var cells = new List<string> { r.Name, string.Join(',', r.ShortNames), r.GroupVersion, r.Namespaced ? "true" : "false", r.Kind };
                    if (wide)
                        cells.AddRange([string.Join(',', r.Verbs), string.Join(',', r.Categories)]);
                    writer.WriteLine(string.Join('\t', cells));
                }
            }
            await context.Out.WriteAsync(writer.Flush()).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static readonly string[] Headers = ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"];

    private static string[] Split(string[]? values) =>
        [.. (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];

    /// <summary>Every resource (no subresource, at least one verb) of /api/v1 and of each group's preferred version.</summary>
    internal static async Task<IReadOnlyList<DiscoveredResource>> DiscoverAsync(DroverClient client, CancellationToken ct)
    {
        var resources = new List<DiscoveredResource>();
        await AddAsync(client, "/api/v1", "", "v1", resources, ct).ConfigureAwait(false);
        using var groups = JsonDocument.Parse(await client.GetRawAsync("/apis", ct).ConfigureAwait(false));
        foreach (var group in groups.RootElement.GetProperty("groups").EnumerateArray())
        {
            var name = group.GetProperty("name").GetString()!;
            var groupVersion = group.GetProperty("preferredVersion").GetProperty("groupVersion").GetString()!;
            await AddAsync(client, "/apis/" + groupVersion, name, groupVersion, resources, ct).ConfigureAwait(false);
        }
        return resources;
    }

    private static async Task AddAsync(DroverClient client, string path, string group, string groupVersion, List<DiscoveredResource> resources, CancellationToken ct)
    {
        using var list = JsonDocument.Parse(await client.GetRawAsync(path, ct).ConfigureAwait(false));
        foreach (var r in list.RootElement.GetProperty("resources").EnumerateArray())
        {
            var name = r.GetProperty("name").GetString()!;
            var verbs = Strings(r, "verbs");
            if (name.Contains('/', StringComparison.Ordinal) || verbs.Count == 0)
                continue;
            resources.Add(new DiscoveredResource(name, group, groupVersion, r.GetProperty("namespaced").GetBoolean(), r.GetProperty("kind").GetString()!,
                Strings(r, "shortNames"), verbs, Strings(r, "categories")));
        }
    }

    private static IReadOnlyList<string> Strings(JsonElement element, string property) =>
        element.TryGetProperty(property, out var values) && values.ValueKind == JsonValueKind.Array
            ? [.. values.EnumerateArray().Select(v => v.GetString()!)]
            : [];
}
