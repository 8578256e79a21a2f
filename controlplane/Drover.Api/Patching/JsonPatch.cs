using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Drover.Api.Patching;

/// <summary>
/// JSON Patch (RFC 6902, application/json-patch+json): a list of add, remove, replace, move, copy and test operations on
/// JSON Pointers (RFC 6901). All or nothing: the document is changed only in the copy the caller passes, and the first
/// failing operation throws naming its index and path. At most <see cref="MaxOperations"/> operations.
/// </summary>
public static class JsonPatch
{
    /// <summary>Kubernetes caps a JSON patch at 10,000 operations (its maxJSONPatchOperations).</summary>
    public const int MaxOperations = 10_000;

    public static JsonNode? Apply(JsonNode? document, JsonNode patch)
    {
        ArgumentNullException.ThrowIfNull(patch);
        if (patch is not JsonArray operations)
            throw new PatchException("a JSON patch must be a list of operations");
        if (operations.Count > MaxOperations)
            throw new PatchException($"the JSON patch has {operations.Count} operations, more than the limit of {MaxOperations}");
        for (var i = 0; i < operations.Count; i++)
        {
            if (operations[i] is not JsonObject op)
                throw new PatchException($"operation {i}: must be an object");
            var kind = Text(op, "op", i);
            var path = Text(op, "path", i);
            document = kind switch
            {
                "add" => Add(document, path, Value(op, i), i),
                "remove" => Remove(document, path, i, out _),
                "replace" => Add(Remove(document, path, i, out _), path, Value(op, i), i),
                "move" => Move(document, Text(op, "from", i), path, i),
                "copy" => Add(document, path, Get(document, Text(op, "from", i), i)?.DeepClone(), i),
                "test" => Test(document, path, Value(op, i), i),
                _ => throw new PatchException($"operation {i}: unknown op \"{Shown(kind)}\": supported values: \"add\", \"copy\", \"move\", \"remove\", \"replace\", \"test\""),
            };
        }
        return document;
    }

    private static JsonNode? Move(JsonNode? document, string from, string path, int i)
    {
        if (path.StartsWith(from + "/", StringComparison.Ordinal))
            throw new PatchException($"operation {i}: cannot move \"{Shown(from)}\" into its own child \"{Shown(path)}\"", unprocessable: true);
        document = Remove(document, from, i, out var value);
        return Add(document, path, value, i);
    }

    private static JsonNode? Test(JsonNode? document, string path, JsonNode? expected, int i)
    {
        if (!JsonNode.DeepEquals(Get(document, path, i), expected))
            throw new PatchException($"operation {i}: test failed: the value at \"{Shown(path)}\" is not the one expected", unprocessable: true);
        return document;
    }

    private static JsonNode? Add(JsonNode? document, string path, JsonNode? value, int i)
    {
        if (path.Length == 0)
            return value;
        var (parent, last) = Parent(document, path, i);
        switch (parent)
        {
            case JsonObject o:
                o.Remove(last);
                o[last] = value;
                break;
            case JsonArray a:
                var at = last == "-" ? a.Count : Index(last, a.Count, inclusive: true, path, i);
                a.Insert(at, value);
                break;
            default:
                throw new PatchException($"operation {i}: the parent of \"{Shown(path)}\" is not an object or a list", unprocessable: true);
        }
        return document;
    }

    private static JsonNode? Remove(JsonNode? document, string path, int i, out JsonNode? removed)
    {
        if (path.Length == 0)
        {
            removed = document;
            return null;
        }
        var (parent, last) = Parent(document, path, i);
        switch (parent)
        {
            case JsonObject o when o.ContainsKey(last):
                removed = o[last];
                o.Remove(last);
                return document;
            case JsonArray a:
                var at = Index(last, a.Count, inclusive: false, path, i);
                removed = a[at];
                a.RemoveAt(at);
                return document;
            default:
                throw new PatchException($"operation {i}: there is nothing at \"{Shown(path)}\" to remove", unprocessable: true);
        }
    }

    private static JsonNode? Get(JsonNode? document, string path, int i)
    {
        var node = document;
        foreach (var token in Tokens(path, i))
        {
            node = node switch
            {
                JsonObject o when o.TryGetPropertyValue(token, out var child) => child,
                JsonArray a => a[Index(token, a.Count, inclusive: false, path, i)],
                _ => throw new PatchException($"operation {i}: there is nothing at \"{Shown(path)}\"", unprocessable: true),
            };
        }
        return node;
    }

    private static (JsonNode? Parent, string Last) Parent(JsonNode? document, string path, int i)
    {
        var tokens = Tokens(path, i);
        var node = document;
        foreach (var token in tokens.AsSpan(0, tokens.Length - 1))
        {
            node = node switch
            {
                JsonObject o when o.TryGetPropertyValue(token, out var child) => child,
                JsonArray a => a[Index(token, a.Count, inclusive: false, path, i)],
                _ => throw new PatchException($"operation {i}: there is nothing at \"{Shown(path)}\"", unprocessable: true),
            };
        }
        return (node, tokens[^1]);
    }

    private static string[] Tokens(string path, int i)
    {
        if (path.Length == 0)
            return [];
        if (path[0] != '/')
            throw new PatchException($"operation {i}: path \"{Shown(path)}\" must start with '/'");
        return path[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
    }

    private static int Index(string token, int count, bool inclusive, string path, int i)
    {
        if (token.Length == 0 || token.Length > 9 || (token.Length > 1 && token[0] == '0') || !token.All(char.IsAsciiDigit))
            throw new PatchException($"operation {i}: \"{Shown(token)}\" in \"{Shown(path)}\" is not a list index", unprocessable: true);
        var index = int.Parse(token, CultureInfo.InvariantCulture);
        if (index > count || (!inclusive && index == count))
            throw new PatchException($"operation {i}: index {index} in \"{Shown(path)}\" is out of range (the list has {count} elements)", unprocessable: true);
        return index;
    }

    private static string Text(JsonObject op, string field, int i) =>
        op[field] is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? v.GetValue<string>()
            : throw new PatchException($"operation {i}: \"{field}\" must be a string");

    private static JsonNode? Value(JsonObject op, int i) =>
        op.TryGetPropertyValue("value", out var value) ? value?.DeepClone() : throw new PatchException($"operation {i}: \"value\" is missing");

    private static string Shown(string text) => text.Length <= 128 ? text : text[..128] + "…";
}
