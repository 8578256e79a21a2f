using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Drover.Api;
using YamlDotNet.RepresentationModel;

namespace Drover.Cli.Manifests;

/// <summary>
/// Reads every document of every `-f` input and checks it the way the server will (strict decode, defaults,
/// validation) before anything is sent, so a bad document stops the whole apply instead of half of it.
/// </summary>
internal static class ManifestLoader
{
    public static ManifestSet Load(IEnumerable<ManifestFile> files, bool validate)
    {
        ArgumentNullException.ThrowIfNull(files);
        var objects = new List<ManifestObject>();
        var errors = new List<string>();
        foreach (var file in files)
            LoadFile(file, validate, objects, errors);
        return new ManifestSet(objects, errors);
    }

    private static void LoadFile(ManifestFile file, bool validate, List<ManifestObject> objects, List<string> errors)
    {
        IReadOnlyList<ManifestDocument> documents;
        try
        {
            documents = Split(file.Text);
        }
        catch (ManifestException e)
        {
            errors.Add($"error: {file.Source}: {e.Message}");
            return;
        }
        foreach (var document in documents)
        {
            var number = document.Index + 1;
            foreach (var item in Expand(document.Json))
            {
                try
                {
                    objects.Add(Decode(file, number, document.Line, item, validate));
                }
                catch (ManifestException e)
                {
                    errors.Add(Format(file, number, document.Line, e));
                }
            }
        }
    }

    /// <summary>JSON files are read as JSON (YAML forbids the tab indentation JSON allows); all else as YAML streams.</summary>
    private static IReadOnlyList<ManifestDocument> Split(string text)
    {
        var trimmed = text.AsSpan().TrimStart();
        if (trimmed.StartsWith("{"))
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            try
            {
                // A JSON file may be a List of many objects: the file's limit, not one object's, bounds its size.
                JsonInput.Check(bytes, InputLimits.MaxManifestFileBytes);
                using var document = JsonDocument.Parse(bytes, JsonInput.DocumentOptions);
                return [new ManifestDocument(0, 1, Encoding.UTF8.GetBytes(document.RootElement.GetRawText()))];
            }
            catch (Exception e) when (e is JsonException or ManifestException { Limit: null })
            {
                // Not JSON after all (YAML flow mappings look alike); let the YAML reader judge it.
            }
        }
        return YamlToJson.ConvertDocuments(text);
    }

    /// <summary>A `kind: List` document stands for its items, as in kubectl.</summary>
    private static IEnumerable<byte[]> Expand(byte[] json)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json, documentOptions: JsonInput.DocumentOptions);
        }
        catch (JsonException)
        {
            node = null;
        }
        if (node is JsonObject obj && obj["kind"] is JsonValue kind && kind.TryGetValue<string>(out var k) && k == "List" && obj["items"] is JsonArray items)
        {
            foreach (var item in items)
                yield return Encoding.UTF8.GetBytes(item?.ToJsonString() ?? "null");
            yield break;
        }
        yield return json;
    }

    private static ManifestObject Decode(ManifestFile file, int number, long line, byte[] json, bool validate)
    {
        var obj = ObjectDecoder.Decode(json, out var type);
        if (validate)
        {
            var problems = ObjectValidator.Validate(ObjectDefaulter.ApplyDefaults(obj));
            if (problems.Count > 0)
                throw new ManifestException(string.Join(", ", problems), problems[0].Field);
        }
        var node = JsonNode.Parse(json, documentOptions: JsonInput.DocumentOptions) as JsonObject ?? throw new ManifestException("the document must be an object");
        return new ManifestObject(file.Source, number, line, node, obj, type);
    }

    /// <summary>`error: FILE: document N (line L): message`, the line being the offending field's when it can be found.</summary>
    internal static string Format(ManifestFile file, int number, long documentLine, ManifestException e)
    {
        var line = e.Line ?? documentLine;
        var message = e.Message;
        if (!string.IsNullOrEmpty(e.Field) && FieldLocator.Find(file.Text, documentLine, e.Field) is { } found)
        {
            line = found.Line;
            message = WithValue(message, e.Field, found.Node);
        }
        return $"error: {file.Source}: document {number} (line {line}): {message}";
    }

    /// <summary>
    /// Decode errors know the field and the expected type but not what was written; add it, in the API
    /// server's `field: Invalid value: "x": detail` form.
    /// </summary>
    private static string WithValue(string message, string field, YamlNode node)
    {
        var prefix = field + ": Invalid value: expected ";
        if (!message.StartsWith(prefix, StringComparison.Ordinal))
            return message;
        var written = node switch
        {
            YamlScalarNode scalar => Quote(scalar.Value ?? ""),
            YamlMappingNode => "a map",
            YamlSequenceNode => "a list",
            _ => null,
        };
        return written is null ? message : $"{field}: Invalid value: {written}: expected {message[prefix.Length..]}";
    }

    private static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).ReplaceLineEndings("\\n") + "\"";
}
