using System.CommandLine;
using System.Net.Http;
using System.Text;
using Drover.Api;
using Drover.Api.Client;
using Drover.Cli.Arguments;

namespace Drover.Cli.Commands;

/// <summary>
/// `drover patch (TYPE NAME | TYPE/NAME) -p PATCH [--type strategic|merge|json] [--subresource status|scale]`, as
/// kubectl's: the patch goes to droverd as written (strategic by default) and droverd applies it.
/// </summary>
internal static class PatchCommand
{
    public static Command Create(CliContext context)
    {
        var resource = new Argument<string[]>("RESOURCE") { Arity = ArgumentArity.OneOrMore, Description = "TYPE NAME or TYPE/NAME" };
        var patch = new Option<string?>("--patch", "-p") { Description = "The patch, JSON or YAML (required)" };
        var type = new Option<string>("--type") { Description = "strategic (default), merge (RFC 7386) or json (RFC 6902)", DefaultValueFactory = _ => "strategic" };
        var subresource = new Option<string?>("--subresource") { Description = "Patch a subresource: status or scale" };
        var command = new Command("patch", "Update fields of an object with a strategic merge, merge or JSON patch");
        command.Arguments.Add(resource);
        command.Options.Add(patch);
        command.Options.Add(type);
        command.Options.Add(subresource);
        command.SetAction(async (parse, ct) =>
        {
            var contentType = parse.GetValue(type) switch
            {
                "strategic" => "application/strategic-merge-patch+json",
                "merge" => "application/merge-patch+json",
                "json" => "application/json-patch+json",
                var other => throw new CliException($"error: --type must be one of [json merge strategic], not \"{other}\""),
            };
            var body = PatchBody(parse.GetValue(patch) ?? throw new CliException("error: must specify --patch or -p"));
            var sub = parse.GetValue(subresource);
            if (sub is not (null or "status" or "scale"))
                throw new CliException($"error: --subresource must be status or scale, not \"{sub}\"");
            var target = ResourceArguments.Parse(parse.GetValue(resource) ?? [], "patch", ResourceTypes.All, single: true)[0];
            using var session = CommandSession.Open(parse);
            var ns = session.NamespaceFor(target.Type);
            var path = DroverClient.ObjectPath(target.Type, ns, target.Name) + (sub is null ? "" : "/" + sub);
            var before = await session.Client.SendRawAsync(HttpMethod.Get, path, null, null, ct).ConfigureAwait(false);
            var after = await session.Client.SendRawAsync(HttpMethod.Patch, path, body, contentType, ct).ConfigureAwait(false);
            var unchanged = ResourceVersionOf(before) == ResourceVersionOf(after);
            await context.Out.WriteLineAsync($"{target.Display} patched{(unchanged ? " (no change)" : "")}").ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    /// <summary>-p as JSON (an object, or a JSON patch's array) or YAML, within the input limits.</summary>
    private static byte[] PatchBody(string text)
    {
        try
        {
            var trimmed = text.TrimStart();
            if (trimmed.StartsWith('{') || trimmed.StartsWith('['))
            {
                var json = Encoding.UTF8.GetBytes(text);
                JsonInput.Check(json);
                return json;
            }
            return YamlToJson.ConvertSingle(text);
        }
        catch (ManifestException e)
        {
            throw new CliException($"error: unable to parse \"{(text.Length > 80 ? text[..80] + "…" : text)}\": {e.Message}");
        }
    }

    private static string? ResourceVersionOf(byte[] json)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json);
        return node?["metadata"]?["resourceVersion"]?.GetValue<string>();
    }
}
