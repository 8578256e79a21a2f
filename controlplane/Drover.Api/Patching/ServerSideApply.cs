using System.Text.Json;
using System.Text.Json.Nodes;

namespace Drover.Api.Patching;

/// <summary>
/// Server-side apply (application/apply-patch+yaml) as Kubernetes' structured-merge-diff does it: the applied
/// configuration is merged into the live object (keyed lists by their merge keys, other lists whole), fields this
/// manager applied before and no longer applies are removed unless another manager owns them, and a field another
/// manager owns — an applier, or a writer recorded by <see cref="ManagedFieldsUpdate"/> (kubectl edit, scale, patch) —
/// applied with a different value is a conflict (409 naming manager and field) unless <c>force</c>, which takes it over.
/// Ownership is kept in metadata.managedFields (FieldsV1). An object that has no managedFields yet (created before
/// they were tracked, or by droverd's controllers) is first owned whole by "before-first-apply", as in Kubernetes.
/// </summary>
public static class ServerSideApply
{
    /// <summary>Kubernetes' name for the owner of everything an object held when it was first applied to untracked.</summary>
    public const string BeforeFirstApply = "before-first-apply";

    /// <summary>The merged object (with managedFields) for <paramref name="live"/>, or for a create when it is null.</summary>
    public static JsonObject Apply(JsonObject? live, JsonObject config, Type type, string manager, bool force, string apiVersion, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(type);
        ArgumentException.ThrowIfNullOrEmpty(manager);
        var cursor = TypeCursor.Of(type);
        var applied = new List<Leaf>();
        Collect(config, cursor, new FieldPath([]), applied, root: true);
        var appliedKeys = applied.Select(l => l.Path.Key).ToHashSet(StringComparer.Ordinal);

        var result = (JsonObject?)live?.DeepClone() ?? new JsonObject();
        var entries = ManagedFieldsCodec.Read(result);
        if (live is not null && entries.Count == 0)
        {
            var existing = FieldComparison.Compare(null, live, type).Added;
            entries.Add(new ManagerEntry(BeforeFirstApply, ManagerEntry.Update, apiVersion, null, existing) { Time = now });
        }
        var mine = entries.FirstOrDefault(e => e.Is(manager, ManagerEntry.Apply, apiVersion, null));

        var conflicts = new List<(ManagerEntry Owner, FieldPath Path)>();
        foreach (var other in entries.Where(e => e != mine))
        {
            foreach (var leaf in applied.Where(l => !l.IsElement && other.Paths.ContainsKey(l.Path.Key)))
            {
                if (!JsonNode.DeepEquals(ValueAt(result, leaf.Path), leaf.Value))
                    conflicts.Add((other, leaf.Path));
            }
        }
        if (conflicts.Count > 0 && !force)
            throw new ApplyConflictException([.. conflicts.Select(c => (c.Owner.Describe(), c.Path.ToString()))]);
        foreach (var (owner, path) in conflicts)
            owner.Paths.Remove(path.Key);

        // Fields this manager applied before and not now: removed, unless someone else also owns them (a list element
        // before its fields: once it is gone they are too, and an element found by its key is found before the key goes).
        if (mine is not null)
        {
            var othersOwn = entries.Where(e => e != mine).SelectMany(e => e.Paths.Keys).ToHashSet(StringComparer.Ordinal);
            foreach (var dropped in mine.Paths.Values.Where(p => !appliedKeys.Contains(p.Key) && !othersOwn.Contains(p.Key)).OrderBy(p => p.Segments.Count))
                Remove(result, dropped);
        }

        var merged = StrategicMergePatch.Apply(result, (JsonObject)config.DeepClone(), type);
        if (mine is not null)
            entries.Remove(mine);
        entries.Add(new ManagerEntry(manager, ManagerEntry.Apply, apiVersion, null, applied.ToDictionary(l => l.Path.Key, l => l.Path, StringComparer.Ordinal)) { Time = now });
        if (merged["metadata"] is not JsonObject metadata)
            merged["metadata"] = metadata = new JsonObject();
        metadata["managedFields"] = ManagedFieldsCodec.ToJson(entries);
        return merged;
    }

    private sealed record Leaf(FieldPath Path, JsonNode? Value, bool IsElement);

    private static void Collect(JsonNode? node, TypeCursor type, FieldPath path, List<Leaf> leaves, bool root = false)
    {
        if (node is not JsonObject obj || (obj.Count == 0 && !root))
        {
            leaves.Add(new Leaf(path, node?.DeepClone(), IsElement: false));
            return;
        }
        foreach (var (name, value) in obj)
        {
            if (root && name is "apiVersion" or "kind")
                continue;
            if (path.Segments.Count == 1 && path.Segments[0] is { Kind: FieldSegmentKind.Field, Name: "metadata" } && FieldComparison.UntrackedMetadata.Contains(name))
                continue;
            var (fieldType, strategy) = type.Field(name);
            var fieldPath = path.Append(FieldSegment.Field(name));
            if (value is JsonArray list && strategy is { Merge: true })
            {
                foreach (var item in list)
                {
                    if (strategy.MergeKey is { } key && item is JsonObject element && element[key] is { } keyValue)
                    {
                        var elementPath = fieldPath.Append(new FieldSegment(FieldSegmentKind.Key, key, keyValue.DeepClone()));
                        leaves.Add(new Leaf(elementPath, null, IsElement: true));
                        Collect(element, fieldType.Element, elementPath, leaves);
                    }
                    else if (strategy.MergeKey is null && item is JsonValue)
                    {
                        leaves.Add(new Leaf(fieldPath.Append(new FieldSegment(FieldSegmentKind.Value, null, item.DeepClone())), item.DeepClone(), IsElement: true));
                    }
                    else
                    {
                        throw new PatchException($"{fieldPath}: an element does not contain the merge key \"{strategy.MergeKey}\"");
                    }
                }
                continue;
            }
            Collect(value, fieldType, fieldPath, leaves);
        }
    }

    /// <summary>The value at <paramref name="path"/> in <paramref name="root"/>, or null when it is not there.</summary>
    private static JsonNode? ValueAt(JsonObject root, FieldPath path)
    {
        JsonNode? node = root;
        foreach (var segment in path.Segments)
        {
            node = (segment.Kind, node) switch
            {
                (FieldSegmentKind.Field, JsonObject o) => o[segment.Name!],
                (FieldSegmentKind.Key, JsonArray a) => a.FirstOrDefault(e => e is JsonObject eo && JsonNode.DeepEquals(eo[segment.Name!], segment.Value)),
                (FieldSegmentKind.Value, JsonArray a) => a.FirstOrDefault(e => JsonNode.DeepEquals(e, segment.Value)),
                _ => null,
            };
            if (node is null)
                return null;
        }
        return node;
    }

    private static void Remove(JsonObject root, FieldPath path)
    {
        if (path.Segments.Count == 0)
            return;
        var parent = ValueAt(root, new FieldPath([.. path.Segments.Take(path.Segments.Count - 1)]));
        var last = path.Segments[^1];
        switch (last.Kind, parent)
        {
            case (FieldSegmentKind.Field, JsonObject o):
                o.Remove(last.Name!);
                break;
            case (FieldSegmentKind.Key, JsonArray a):
                if (a.FirstOrDefault(e => e is JsonObject eo && JsonNode.DeepEquals(eo[last.Name!], last.Value)) is { } element)
                    a.Remove(element);
                break;
            case (FieldSegmentKind.Value, JsonArray a):
                if (a.FirstOrDefault(e => JsonNode.DeepEquals(e, last.Value)) is { } value)
                    a.Remove(value);
                break;
        }
    }
}
