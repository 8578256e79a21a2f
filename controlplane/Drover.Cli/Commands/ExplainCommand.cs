using System.CommandLine;
using System.Text;
using System.Text.Json;
using Drover.Api.Client;
using Drover.Cli.Explain;

namespace Drover.Cli.Commands;

/// <summary>
/// `drover explain RESOURCE[.field.path]`: a kind's or field's documentation from the server's OpenAPI v3 document of
/// the resource's group version (what kubectl 1.32 reads), printed as kubectl prints it.
/// </summary>
internal static class ExplainCommand
{
    private const string Plaintext = "plaintext";

    public static Command Create(CliContext context)
    {
        var resource = new Argument<string[]>("RESOURCE") { Arity = ArgumentArity.ZeroOrMore, Description = "TYPE[.FIELD.PATH], e.g. pods.spec.containers" };
        var recursive = new Option<bool>("--recursive") { Description = "Print every field's name, nested, instead of the fields with their descriptions" };
        var apiVersion = new Option<string?>("--api-version") { Description = "The group/version of the resource to explain (e.g. apps/v1)" };
        var output = new Option<string>("--output", "-o") { Description = "Format: plaintext (kubectl's plaintext-openapiv2 is not offered)", DefaultValueFactory = _ => Plaintext };
        var command = new Command("explain", "Get documentation for a resource") { resource, recursive, apiVersion, output };
        command.SetAction(async (parse, ct) =>
        {
            var args = parse.GetValue(resource) ?? [];
            if (args.Length == 0)
                throw new CliException("error: You must specify the type of resource to explain. Use \"drover api-resources\" for a complete list of supported resources.");
            if (args.Length > 1)
                throw new CliException("error: We accept only this format: explain RESOURCE");
            var target = ExplainTarget.Parse(args[0], parse.GetValue(apiVersion));
            var format = parse.GetValue(output) ?? Plaintext;
            // kubectl's other format renders /openapi/v2 with its older printer; droverd's v2 has no descriptions.
            if (format == "plaintext-openapiv2")
                throw new CliException("error: drover explain renders plaintext only (from /openapi/v3, with descriptions); kubectl explain -o plaintext-openapiv2 reads droverd's /openapi/v2, which has none");
            using var session = CommandSession.Open(parse);
            using var document = await FetchAsync(session.Client, target, ct).ConfigureAwait(false);
            if (format != Plaintext)
                throw new CliException("error: unrecognized format: " + format);
            var text = new StringBuilder();
            try
            {
                PlaintextExplainer.Render(document.RootElement, target, parse.GetValue(recursive), text);
            }
            finally
            {
                // kubectl's template writes as it goes: the header is out before an unknown field is found.
                await context.Out.WriteAsync(text.ToString()).ConfigureAwait(false);
            }
            return 0;
        });
        return command;
    }

    /// <summary>The OpenAPI v3 document of the target's group version, found through the /openapi/v3 index as client-go finds it.</summary>
    private static async Task<JsonDocument> FetchAsync(DroverClient client, ExplainTarget target, CancellationToken ct)
    {
        string? url;
        try
        {
            using var index = JsonDocument.Parse(await client.GetRawAsync("/openapi/v3", ct).ConfigureAwait(false));
            var entry = TemplateValues.Member(TemplateValues.Member(index.RootElement, "paths"), target.OpenApiPath)
                ?? throw new CliException($"error: couldn't find resource for \"{target.GroupVersionResource}\"");
            url = TemplateValues.Text(entry, "serverRelativeURL");
        }
        catch (JsonException e)
        {
            throw new CliException("error: failed to fetch list of groupVersions: " + e.Message);
        }
        // Only a path on the same server: an absolute URL would carry our credentials elsewhere.
        if (url is null || !url.StartsWith('/') || url.StartsWith("//", StringComparison.Ordinal))
            throw new CliException($"error: failed to fetch openapi schema for {target.OpenApiPath}: the server's /openapi/v3 index gives no server-relative URL for it");
        try
        {
            return JsonDocument.Parse(await client.GetRawAsync(url, ct).ConfigureAwait(false));
        }
        catch (JsonException e)
        {
            throw new CliException($"error: failed to parse openapi schema for {target.OpenApiPath}: {e.Message}");
        }
    }
}
