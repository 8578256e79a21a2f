using System.Text.Json.Nodes;

namespace Drover.Api.Patching;

/// <summary>
/// What a write changed, field by field, as structured-merge-diff compares two objects: fields added (a map or list
/// element that was not there counts itself and everything in it), leaves whose value changed, and fields removed.
/// Keyed lists (containers by name) and sets (finalizers) are compared element by element, other lists whole. Not
/// tracked, as in Kubernetes: apiVersion, kind, status (the server's on the main resource) and the metadata the server
/// owns (name, uid, resourceVersion…).
/// </summary>
internal sealed class FieldComparison
{
    /// <summary>Metadata no manager owns (Kubernetes' stripped fields, and what droverd sets itself).</summary>
    public static readonly HashSet<string> UntrackedMetadata = new(StringComparer.Ordinal)
    {
        "name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp",
        "deletionGracePeriodSeconds", "managedFields", "generateName", "selfLink",
    };

    private FieldComparison()
    {
    }

    public Dictionary<string, FieldPath> Added { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, FieldPath> Modified { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, FieldPath> Removed { get; } = new(StringComparer.Ordinal);

    /// <summary>Compares <paramref name="before"/> (null: a create) with <paramref name="after"/>, both of <paramref name="type"/>.</summary>
    public static FieldComparison Compare(JsonObject? before, JsonObject after, Type type)
    {
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(type);
        var comparison = new FieldComparison();
        comparison.CompareObjects(before ?? new JsonObject(), after, TypeCursor.Of(type), new FieldPath([]));
        return comparison;
    }

    /// <summary>
    /// Structs that are never owned themselves, only their fields: Kubernetes compares a create with the empty Go
    /// object, where these (not pointers) always exist. Other maps added whole are owned as such ("." in FieldsV1).
    /// </summary>
    private static readonly HashSet<string> AlwaysPresent = new(StringComparer.Ordinal)
    {
        ".metadata", ".spec", ".spec.template", ".spec.template.metadata", ".spec.template.spec", ".spec.strategy",
    };

    private void CompareObjects(JsonObject before, JsonObject after, TypeCursor type, FieldPath path)
    {
        foreach (var (name, fieldType, strategy, fieldPath) in Fields(before, after, type, path))
            CompareValues(before[name], after[name], fieldType, strategy, fieldPath);
    }

    private void CompareValues(JsonNode? before, JsonNode? after, TypeCursor type, PatchStrategy? strategy, FieldPath path)
    {
        if (before is null && after is null)
            return;
        if (before is null)
        {
            Everything(after!, type, strategy, path, Added);
            return;
        }
        if (after is null)
        {
            Everything(before, type, strategy, path, Removed);
            return;
        }
        if (before is JsonObject beforeObject && after is JsonObject afterObject)
        {
            CompareObjects(beforeObject, afterObject, type, path);
            return;
        }
        if (before is JsonArray beforeList && after is JsonArray afterList
            && Elements(beforeList, strategy, path) is { } beforeElements && Elements(afterList, strategy, path) is { } afterElements)
        {
            foreach (var (key, (elementPath, element)) in beforeElements)
                CompareValues(element, afterElements.GetValueOrDefault(key).Element, type.Element, null, elementPath);
            foreach (var (key, (elementPath, element)) in afterElements)
            {
                if (!beforeElements.ContainsKey(key))
                    Everything(element, type.Element, null, elementPath, Added);
            }
            return;
        }
        if (!JsonNode.DeepEquals(before, after))
            Modified[path.Key] = path;
    }

    /// <summary>Records <paramref name="node"/> and all that is in it (a field added or removed whole).</summary>
    private static void Everything(JsonNode node, TypeCursor type, PatchStrategy? strategy, FieldPath path, Dictionary<string, FieldPath> into)
    {
        if (!AlwaysPresent.Contains(path.Key))
            into[path.Key] = path;
        if (node is JsonObject obj)
        {
            foreach (var (name, fieldType, fieldStrategy, fieldPath) in Fields(null, obj, type, path))
            {
                if (obj[name] is { } value)
                    Everything(value, fieldType, fieldStrategy, fieldPath, into);
            }
        }
        else if (node is JsonArray list && Elements(list, strategy, path) is { } elements)
        {
            foreach (var (elementPath, element) in elements.Values)
                Everything(element, type.Element, null, elementPath, into);
        }
    }

    /// <summary>The fields of one or two versions of an object that are tracked, in order.</summary>
    private static IEnumerable<(string Name, TypeCursor Type, PatchStrategy? Strategy, FieldPath Path)> Fields(JsonObject? before, JsonObject after, TypeCursor type, FieldPath path)
    {
        var root = path.Segments.Count == 0;
        var metadata = path.Segments.Count == 1 && path.Segments[0] is { Kind: FieldSegmentKind.Field, Name: "metadata" };
        var names = after.Select(p => p.Key).ToList();
        if (before is not null)
            names.AddRange(before.Select(p => p.Key).Where(n => !after.ContainsKey(n)));
        foreach (var name in names)
        {
            if (root && name is "apiVersion" or "kind" or "status")
                continue;
            if (metadata && UntrackedMetadata.Contains(name))
                continue;
            var (fieldType, strategy) = type.Field(name);
            yield return (name, fieldType, strategy, path.Append(FieldSegment.Field(name)));
        }
    }

    /// <summary>
    /// A keyed list's elements by key (a set's by value), or null when the list is atomic: no merge strategy, or an
    /// element without its key, or a key twice.
    /// </summary>
    private static Dictionary<string, (FieldPath Path, JsonNode Element)>? Elements(JsonArray list, PatchStrategy? strategy, FieldPath path)
    {
        if (strategy is not { Merge: true })
            return null;
        var elements = new Dictionary<string, (FieldPath, JsonNode)>(StringComparer.Ordinal);
        foreach (var item in list)
        {
            FieldSegment segment;
            if (strategy.MergeKey is { } key && item is JsonObject element && element[key] is JsonValue keyValue)
                segment = new FieldSegment(FieldSegmentKind.Key, key, keyValue.DeepClone());
            else if (strategy.MergeKey is null && item is JsonValue value)
                segment = new FieldSegment(FieldSegmentKind.Value, null, value.DeepClone());
            else
                return null;
            var elementPath = path.Append(segment);
            if (!elements.TryAdd(elementPath.Key, (elementPath, item)))
                return null;
        }
        return elements;
    }
}
