using System.Globalization;
using System.Text.Json;
using Drover.Api;
using Drover.Api.Printing;
using Drover.Cli.Output;

namespace Drover.Cli.Describe;

/// <summary>
/// Kinds without a dedicated description: every field below the metadata, title-cased and nested as
/// kubectl's generic (CRD) describer prints them. Secrets show sizes only, never values.
/// </summary>
internal static class GenericDescriber
{
    public static void Write(DescribeWriter w, ResourceType type, KubeObject obj)
    {
        switch (obj)
        {
            case Secret secret:
                w.Field(0, "Type", secret.Type ?? "Opaque");
                w.Line(0, "");
                w.Line(0, "Data");
                w.Line(0, "====");
                foreach (var (key, value) in (secret.Data ?? []).OrderBy(p => p.Key, StringComparer.Ordinal))
                    w.Field(0, key, value.Length.ToString(CultureInfo.InvariantCulture) + " bytes");
                w.Line(0, "");
                return;
            case ConfigMap configMap:
                w.Line(0, "");
                w.Line(0, "Data");
                w.Line(0, "====");
                foreach (var (key, value) in (configMap.Data ?? []).OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    w.Line(0, key + ":");
                    w.Line(0, "----");
                    w.Line(0, value.Replace("\t", "    ", StringComparison.Ordinal).TrimEnd('\n'));
                    w.Line(0, "");
                }
                w.Line(0, "");
                w.Line(0, "BinaryData");
                w.Line(0, "====");
                foreach (var (key, value) in (configMap.BinaryData ?? []).OrderBy(p => p.Key, StringComparer.Ordinal))
                    w.Field(0, key, value.Length.ToString(CultureInfo.InvariantCulture) + " bytes");
                w.Line(0, "");
                return;
        }
        using var document = JsonDocument.Parse(type.SerializeToUtf8Bytes(obj));
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (property.Name is "apiVersion" or "kind" or "metadata")
                continue;
            Dump(w, 0, property.Name, property.Value);
        }
    }

    private static void Dump(DescribeWriter w, int level, string name, JsonElement value)
    {
        var title = Title(name);
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                if (!value.EnumerateObject().Any())
                {
                    w.Field(level, title, Cells.None);
                    return;
                }
                w.Line(level, title + ":");
                foreach (var property in value.EnumerateObject())
                    Dump(w, level + 1, property.Name, property.Value);
                break;
            case JsonValueKind.Array:
                var items = value.EnumerateArray().ToList();
                if (items.All(i => i.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array)))
                {
                    w.Field(level, title, items.Count == 0 ? Cells.None : string.Join(", ", items.Select(Scalar)));
                    return;
                }
                w.Line(level, title + ":");
                foreach (var item in items)
                {
                    if (item.ValueKind == JsonValueKind.Object)
                        foreach (var property in item.EnumerateObject())
                            Dump(w, level + 1, property.Name, property.Value);
                    else
                        w.Line(level + 1, Scalar(item));
                }
                break;
            default:
                w.Field(level, title, Scalar(value));
                break;
        }
    }

    private static string Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Null => "<nil>",
        _ => value.GetRawText(),
    };

    private static string Title(string name) => name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name[1..];
}
