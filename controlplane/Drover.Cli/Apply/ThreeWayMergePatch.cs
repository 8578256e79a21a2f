using System.Text.Json.Nodes;

namespace Drover.Cli.Apply;

/// <summary>
/// kubectl's client-side apply diff (jsonmergepatch.CreateThreeWayJSONMergePatch) as an RFC 7386 merge patch:
/// set what the new manifest (modified) says wherever the live object (current) differs, and null out what
/// the previous apply (original, from last-applied-configuration) set but the new manifest dropped. Fields
/// that only the server or other writers set are left alone. Maps recurse; lists are replaced whole.
/// </summary>
internal static class ThreeWayMergePatch
{
    /// <summary>The patch to send; an empty object when the live object already says everything the manifest says.</summary>
    public static JsonObject Create(JsonObject? original, JsonObject modified, JsonObject? current)
    {
        ArgumentNullException.ThrowIfNull(modified);
        var deletions = Deletions(original, modified);
        var changes = Changes(current, modified);
        Merge(changes, deletions);
        return changes;
    }

    /// <summary>Keys in <paramref name="original"/> that <paramref name="modified"/> no longer has, as nulls (nested).</summary>
    internal static JsonObject Deletions(JsonObject? original, JsonObject modified)
    {
        var patch = new JsonObject();
        if (original is null)
            return patch;
        foreach (var (key, before) in original)
        {
            if (!modified.TryGetPropertyValue(key, out var after))
            {
                // Nulling a null is no change; anything else the user dropped must go.
                if (before is not null)
                    patch[key] = null;
            }
            else if (before is JsonObject beforeMap && after is JsonObject afterMap)
            {
                var nested = Deletions(beforeMap, afterMap);
                if (nested.Count > 0)
                    patch[key] = nested;
            }
        }
        return patch;
    }

    /// <summary>Keys whose value in <paramref name="modified"/> differs from <paramref name="current"/> (additions included, deletions ignored).</summary>
    internal static JsonObject Changes(JsonObject? current, JsonObject modified)
    {
        var patch = new JsonObject();
        foreach (var (key, after) in modified)
        {
            JsonNode? before = null;
            var present = current is not null && current.TryGetPropertyValue(key, out before);
            if (present && after is JsonObject afterMap && before is JsonObject beforeMap)
            {
                var nested = Changes(beforeMap, afterMap);
                if (nested.Count > 0)
                    patch[key] = nested;
            }
            else if (!present && after is null)
            {
                // "key: null" for a field the live object does not have: nothing to remove.
            }
            else if (!present || !JsonNode.DeepEquals(before, after))
            {
                patch[key] = after?.DeepClone();
            }
        }
        return patch;
    }

    /// <summary>Adds <paramref name="deletions"/> into <paramref name="target"/>; a change and a deletion never share a key.</summary>
    private static void Merge(JsonObject target, JsonObject deletions)
    {
        foreach (var (key, value) in deletions)
        {
            if (target[key] is JsonObject targetMap && value is JsonObject deletionMap)
                Merge(targetMap, deletionMap);
            else if (!target.ContainsKey(key))
                target[key] = value?.DeepClone();
        }
    }
}
