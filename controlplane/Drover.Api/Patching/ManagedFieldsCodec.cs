using System.Text.Json;
using System.Text.Json.Nodes;

namespace Drover.Api.Patching;

/// <summary>Reads an object's metadata.managedFields into <see cref="ManagerEntry"/>s and writes them back.</summary>
internal static class ManagedFieldsCodec
{
    /// <summary>The entries of <paramref name="obj"/>; an entry that cannot be read is skipped.</summary>
    public static List<ManagerEntry> Read(JsonObject? obj)
    {
        var entries = new List<ManagerEntry>();
        if (obj?["metadata"]?["managedFields"] is not JsonArray list)
            return entries;
        foreach (var item in list)
        {
            if (item is not JsonObject e)
                continue;
            var paths = FieldsV1.Read(e["fieldsV1"] as JsonObject).ToDictionary(p => p.Key, StringComparer.Ordinal);
            var subresource = Text(e["subresource"]);
            entries.Add(new ManagerEntry(Text(e["manager"]), Text(e["operation"]), Text(e["apiVersion"]), subresource.Length == 0 ? null : subresource, paths)
            {
                OriginalTime = e["time"]?.DeepClone(),
            });
        }
        return entries;
    }

    /// <summary>
    /// The managedFields array of <paramref name="entries"/>, managers left with no field dropped, in Kubernetes' order:
    /// appliers first, then by time (seconds), manager, API version and subresource.
    /// </summary>
    public static JsonArray ToJson(IEnumerable<ManagerEntry> entries) =>
        new([.. entries.Where(e => e.Paths.Count > 0)
            .OrderBy(e => e.Operation, StringComparer.Ordinal)
            .ThenBy(Seconds)
            .ThenBy(e => e.Manager, StringComparer.Ordinal)
            .ThenBy(e => e.ApiVersion, StringComparer.Ordinal)
            .ThenBy(e => e.Subresource ?? "", StringComparer.Ordinal)
            .Select(e => (JsonNode?)e.ToJson())]);

    private static long Seconds(ManagerEntry entry)
    {
        if (entry.Time is { } time)
            return time.ToUnixTimeSeconds();
        return entry.OriginalTime is JsonValue v && v.GetValueKind() == JsonValueKind.String
            && DateTimeOffset.TryParse(v.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed.ToUnixTimeSeconds()
            : 0;
    }

    private static string Text(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "";
}
