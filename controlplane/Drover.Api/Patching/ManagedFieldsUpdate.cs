using System.Text.Json;
using System.Text.Json.Nodes;

namespace Drover.Api.Patching;

/// <summary>
/// managedFields after a create, update or non-apply patch, as Kubernetes' field manager records them (operation
/// "Update"): the fields the write added or changed become the writer's, and every field it changed or removed is
/// taken from whichever manager had it — so a later server-side apply conflicts with what <c>kubectl edit</c>,
/// <c>scale</c> or <c>patch</c> changed, naming that manager. A write that changes nothing changes no entry (nor its time).
/// </summary>
public static class ManagedFieldsUpdate
{
    /// <summary><paramref name="after"/> with the managedFields <see cref="Update(JsonObject?, JsonObject, Type, FieldManager, string, DateTimeOffset)"/> gives it.</summary>
    public static KubeObject Track(ResourceType type, KubeObject? before, KubeObject after, FieldManager manager, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(after);
        var afterJson = (JsonObject)JsonNode.Parse(type.SerializeToUtf8Bytes(after), documentOptions: JsonInput.DocumentOptions)!;
        var beforeJson = before is null ? null : (JsonObject)JsonNode.Parse(type.SerializeToUtf8Bytes(before), documentOptions: JsonInput.DocumentOptions)!;
        var fields = Update(beforeJson, afterJson, type.ClrType, manager, type.ApiVersion, now);
        if (fields is null)
            return after;
        var entries = fields.Count == 0 ? null : fields.Deserialize(ApiJsonContext.Default.ListManagedFieldsEntry);
        return after with { Metadata = after.Metadata with { ManagedFields = entries } };
    }

    /// <summary>
    /// The managedFields of <paramref name="after"/> (written over <paramref name="before"/>, null for a create), or null
    /// when the object is not tracked: an existing object without managedFields stays so until its first apply, as in
    /// Kubernetes. The entries start from those <paramref name="after"/> carries, when it carries any (a client may set
    /// them), else from <paramref name="before"/>'s.
    /// </summary>
    public static JsonArray? Update(JsonObject? before, JsonObject after, Type type, FieldManager manager, string apiVersion, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(manager);
        var entries = ManagedFieldsCodec.Read(after);
        if (entries.Count == 0)
            entries = ManagedFieldsCodec.Read(before);
        if (entries.Count == 0 && before is not null)
            return null;

        var changes = FieldComparison.Compare(before, after, type);
        foreach (var entry in entries)
        {
            foreach (var key in changes.Added.Keys.Concat(changes.Modified.Keys).Concat(changes.Removed.Keys))
                entry.Paths.Remove(key);
        }
        if (changes.Added.Count + changes.Modified.Count > 0)
        {
            var index = entries.FindIndex(e => e.Is(manager.Name, ManagerEntry.Update, apiVersion, manager.Subresource));
            var paths = index >= 0 ? entries[index].Paths : new Dictionary<string, FieldPath>(StringComparer.Ordinal);
            foreach (var (key, path) in changes.Added.Concat(changes.Modified))
                paths[key] = path;
            var mine = new ManagerEntry(manager.Name, ManagerEntry.Update, apiVersion, manager.Subresource, paths) { Time = now };
            if (index >= 0)
                entries[index] = mine;
            else
                entries.Add(mine);
        }
        return ManagedFieldsCodec.ToJson(entries);
    }
}
