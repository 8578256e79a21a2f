using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Drover.Api;

namespace Drover.Cli.Output;

/// <summary>`-o json`: kubectl's four-space indentation, apiVersion/kind filled in on list items (the API omits them there).</summary>
internal static class JsonOutput
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        IndentSize = 4,
        // kubectl prints <, > and & as they are; the default encoder would escape them.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static byte[] Object(ResourceType type, KubeObject obj)
    {
        ArgumentNullException.ThrowIfNull(type);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, Options))
            type.Serialize(writer, WithTypeMeta(type, obj));
        return stream.ToArray();
    }

    /// <summary>A `List` (apiVersion v1), as kubectl prints several objects.</summary>
    public static byte[] List(IEnumerable<(ResourceType Type, KubeObject Object)> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, Options))
        {
            writer.WriteStartObject();
            writer.WriteString("apiVersion", "v1");
            writer.WriteStartArray("items");
            foreach (var (type, obj) in items)
                type.Serialize(writer, WithTypeMeta(type, obj));
            writer.WriteEndArray();
            writer.WriteString("kind", "List");
            writer.WriteStartObject("metadata");
            writer.WriteString("resourceVersion", "");
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        return stream.ToArray();
    }

    public static string Text(byte[] utf8) => Encoding.UTF8.GetString(utf8);

    public static KubeObject WithTypeMeta(ResourceType type, KubeObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return obj.ApiVersion == type.ApiVersion && obj.Kind == type.Kind ? obj : obj with { ApiVersion = type.ApiVersion, Kind = type.Kind };
    }

    /// <summary>"deployment.apps/my-app".</summary>
    public static string Name(ResourceType type, KubeObject obj) => $"{type.QualifiedName}/{obj.Metadata.Name}";
}
