using System.Text.Json;
using System.Text.Json.Nodes;

namespace Drover.Api.Patching;

/// <summary>
/// Kubernetes' strategic merge patch (application/strategic-merge-patch+json), applied to a stored object's JSON:
/// a JSON merge patch, except that lists with a merge key merge element by element (containers by name, ports by
/// containerPort, env by name: a patch naming one container changes that one), lists of scalars with the merge strategy
/// merge as sets, and the directives work: <c>$patch: delete|replace|merge</c> on a map or a list element,
/// <c>$retainKeys</c>, <c>$deleteFromPrimitiveList/FIELD</c>; <c>$setElementOrder/FIELD</c> is accepted and ignored (the
/// order kept is the stored one, new elements last). The strategies come from <see cref="PatchStrategies"/>.
/// Inputs are parsed within <see cref="InputLimits"/> before they get here; the recursion follows the patch's depth.
/// </summary>
public static class StrategicMergePatch
{
    private const string PatchDirective = "$patch";
    private const string RetainKeysDirective = "$retainKeys";
    private const string SetElementOrderPrefix = "$setElementOrder/";
    private const string DeleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList/";

    /// <summary>Applies <paramref name="patch"/> to <paramref name="original"/> (which it changes) for an object of <paramref name="type"/>.</summary>
    public static JsonObject Apply(JsonObject original, JsonObject patch, Type type)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(patch);
        ArgumentNullException.ThrowIfNull(type);
        return MergeMap(original, patch, TypeCursor.Of(type), "") ?? new JsonObject();
    }

    /// <summary>Null when the patch deletes the map itself (<c>$patch: delete</c>).</summary>
    private static JsonObject? MergeMap(JsonObject original, JsonObject patch, TypeCursor type, string path)
    {
        switch (Directive(patch, path))
        {
            case "delete":
                return null;
            case "replace":
                return Clean(patch, type, path);
        }

        if (patch[RetainKeysDirective] is { } retain)
        {
            if (retain is not JsonArray keys || keys.Any(k => k is not JsonValue v || v.GetValueKind() != JsonValueKind.String))
                throw new PatchException($"{At(path)}$retainKeys must be a list of field names");
            var kept = keys.Select(k => k!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
            foreach (var name in original.Select(p => p.Key).ToList())
                if (!kept.Contains(name))
                    original.Remove(name);
        }

        foreach (var (name, value) in patch.ToList())
        {
            if (name is PatchDirective or RetainKeysDirective || name.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal))
                continue;
            if (name.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal))
            {
                DeleteFromPrimitiveList(original, name[DeleteFromPrimitiveListPrefix.Length..], value, path);
                continue;
            }
            var fieldPath = path.Length == 0 ? name : path + "." + name;
            if (value is null)
            {
                original.Remove(name);
                continue;
            }
            var (fieldType, strategy) = type.Field(name);
            var existing = original[name];
            JsonNode? merged = (existing, value) switch
            {
                (JsonObject o, JsonObject p) => MergeMap(o, p, fieldType, fieldPath),
                (JsonArray o, JsonArray p) when strategy is { Merge: true } => MergeList(o, p, fieldType.Element, strategy.MergeKey, fieldPath),
                (_, JsonObject p) => MergeMap(new JsonObject(), p, fieldType, fieldPath),
                (_, JsonArray p) => CleanList(p, fieldType.Element, strategy?.MergeKey, fieldPath),
                _ => value.DeepClone(),
            };
            original.Remove(name);
            if (merged is not null)
                original[name] = merged;
        }
        return original;
    }

    private static JsonArray MergeList(JsonArray original, JsonArray patch, TypeCursor element, string? mergeKey, string path)
    {
        // {"$patch": "replace"} among the elements: the list becomes the other elements.
        if (patch.Any(e => e is JsonObject o && Directive(o, path) == "replace"))
            return CleanList(new JsonArray([.. patch.Where(e => !(e is JsonObject o && o.ContainsKey(PatchDirective))).Select(e => e?.DeepClone())]), element, mergeKey, path);

        if (mergeKey is null)
        {
            // A set of scalars (finalizers): add what is missing, in the patch's order.
            var result = new JsonArray([.. original.Select(e => e?.DeepClone())]);
            foreach (var item in patch)
            {
                if (item is JsonObject)
                    throw new PatchException($"{At(path)}a list merged as a set takes scalars, not objects");
                if (!result.Any(e => JsonNode.DeepEquals(e, item)))
                    result.Add(item?.DeepClone());
            }
            return result;
        }

        var items = original.Select(e => e?.DeepClone()).ToList();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
            if (items[i] is JsonObject o && o[mergeKey] is { } key)
                index.TryAdd(key.ToJsonString(), i);
        var deleted = new HashSet<int>();
        foreach (var item in patch)
        {
            if (item is not JsonObject patchElement)
                throw new PatchException($"{At(path)}the elements of this list are objects merged by \"{mergeKey}\"");
            if (patchElement[mergeKey] is not { } keyNode)
                throw new PatchException($"{At(path)}an element does not contain the merge key \"{mergeKey}\"");
            var key = keyNode.ToJsonString();
            var elementPath = $"{path}[{mergeKey}={Shown(keyNode)}]";
            if (index.TryGetValue(key, out var at) && !deleted.Contains(at))
            {
                var merged = MergeMap((JsonObject)items[at]!, patchElement, element, elementPath);
                if (merged is null)
                    deleted.Add(at);
                else
                    items[at] = merged;
            }
            else if (Directive(patchElement, elementPath) != "delete")
            {
                index[key] = items.Count;
                items.Add(MergeMap(new JsonObject(), patchElement, element, elementPath));
            }
        }
        return new JsonArray([.. items.Where((_, i) => !deleted.Contains(i))]);
    }

    private static void DeleteFromPrimitiveList(JsonObject original, string field, JsonNode? values, string path)
    {
        if (values is not JsonArray remove)
            throw new PatchException($"{At(path)}{DeleteFromPrimitiveListPrefix}{field} must be a list");
        if (original[field] is not JsonArray list)
            return;
        var kept = new JsonArray([.. list.Where(e => !remove.Any(r => JsonNode.DeepEquals(r, e))).Select(e => e?.DeepClone())]);
        original[field] = kept;
    }

    /// <summary>A patch value placed where nothing was: its directives applied to nothing (so none is stored).</summary>
    private static JsonObject? Clean(JsonObject patch, TypeCursor type, string path)
    {
        var copy = (JsonObject)patch.DeepClone();
        copy.Remove(PatchDirective);
        return MergeMap(new JsonObject(), copy, type, path);
    }

    private static JsonArray CleanList(JsonArray patch, TypeCursor element, string? mergeKey, string path) =>
        new([.. patch
            .Where(e => !(e is JsonObject o && (Directive(o, path) == "delete" || (mergeKey is null && o.ContainsKey(PatchDirective)))))
            .Select(e => e is JsonObject o ? MergeMap(new JsonObject(), o, element, path) : e?.DeepClone())]);

    private static string? Directive(JsonObject patch, string path)
    {
        if (patch[PatchDirective] is not { } directive)
            return null;
        var text = directive is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
        return text is "delete" or "replace" or "merge"
            ? text
            : throw new PatchException($"{At(path)}unknown $patch directive {Shown(directive)}: supported values: \"delete\", \"merge\", \"replace\"");
    }

    private static string At(string path) => path.Length == 0 ? "" : path + ": ";

    private static string Shown(JsonNode node)
    {
        var text = node.ToJsonString();
        return text.Length <= 64 ? text : text[..64] + "…";
    }
}
