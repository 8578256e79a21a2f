using System.Text.Json;
using System.Text.Json.Nodes;

namespace Drover.Api.Patching;

/// <summary>
/// Kubernetes' FieldsV1 encoding of a set of fields: a tree of "f:NAME", "k:{"KEY":VALUE}" (a keyed list element),
/// "v:VALUE" (a set member) and "." (the element itself), leaves as {}.
/// </summary>
internal static class FieldsV1
{
    public static JsonObject From(IEnumerable<FieldPath> paths)
    {
        var root = new JsonObject();
        var owned = new List<JsonObject>();
        foreach (var path in paths)
        {
            var node = root;
            foreach (var segment in path.Segments)
            {
                var name = segment.Kind switch
                {
                    FieldSegmentKind.Field => "f:" + segment.Name,
                    FieldSegmentKind.Key => "k:" + new JsonObject { [segment.Name!] = segment.Value!.DeepClone() }.ToJsonString(),
                    _ => "v:" + segment.Value!.ToJsonString(),
                };
                if (node[name] is not JsonObject child)
                    node[name] = child = new JsonObject();
                node = child;
            }
            // A field owned itself and through fields inside it (a list element, a map added whole) is marked "." first.
            if (path.Segments.Count > 0 && !node.ContainsKey("."))
            {
                node.Insert(0, ".", new JsonObject());
                owned.Add(node);
            }
        }
        // A leaf is written {}; a set member or a scalar list element has no fields inside, so no "." either.
        foreach (var node in owned)
        {
            if (node.Count == 1)
                node.Remove(".");
        }
        return root;
    }

    /// <summary>The paths of a FieldsV1 tree (its leaves and its "." markers); what cannot be read is skipped.</summary>
    public static IEnumerable<FieldPath> Read(JsonObject? tree)
    {
        var found = new List<FieldPath>();
        if (tree is not null)
            Walk(tree, new FieldPath([]), found);
        return found;
    }

    private static void Walk(JsonObject node, FieldPath path, List<FieldPath> found)
    {
        if (node.Count == 0 && path.Segments.Count > 0)
        {
            found.Add(path);
            return;
        }
        foreach (var (name, child) in node)
        {
            if (name == ".")
            {
                found.Add(path);
                continue;
            }
            if (child is not JsonObject next || Segment(name) is not { } segment)
                continue;
            Walk(next, path.Append(segment), found);
        }
    }

    private static FieldSegment? Segment(string name)
    {
        if (name.StartsWith("f:", StringComparison.Ordinal))
            return FieldSegment.Field(name[2..]);
        try
        {
            if (name.StartsWith("k:", StringComparison.Ordinal) && JsonNode.Parse(name[2..]) is JsonObject { Count: 1 } key)
            {
                var (keyName, value) = key.First();
                return new FieldSegment(FieldSegmentKind.Key, keyName, value?.DeepClone());
            }
            if (name.StartsWith("v:", StringComparison.Ordinal))
                return new FieldSegment(FieldSegmentKind.Value, null, JsonNode.Parse(name[2..]));
        }
        catch (JsonException)
        {
        }
        return null;
    }
}
