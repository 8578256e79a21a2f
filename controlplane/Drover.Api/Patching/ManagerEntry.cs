using System.Globalization;
using System.Text.Json.Nodes;

namespace Drover.Api.Patching;

/// <summary>
/// One metadata.managedFields entry while it is worked on: a manager, its operation (Apply or Update), the API version
/// and subresource it wrote through, and its fields. Kubernetes tells managers apart by all four, except that an
/// applier is one manager whatever version it applied with.
/// </summary>
internal sealed record ManagerEntry(string Manager, string Operation, string ApiVersion, string? Subresource, Dictionary<string, FieldPath> Paths)
{
    public const string Apply = "Apply";
    public const string Update = "Update";

    public JsonNode? OriginalTime { get; init; }
    public DateTimeOffset? Time { get; init; }

    public bool Is(string manager, string operation, string apiVersion, string? subresource) =>
        Manager == manager && Operation == operation && (operation == Apply || ApiVersion == apiVersion)
        && (Subresource ?? "") == (subresource ?? "");

    /// <summary>As Kubernetes names a manager in a conflict: <c>"kubectl"</c>, <c>"kubectl-edit" using apps/v1</c>, <c>"kubectl" with subresource "scale" using apps/v1</c>.</summary>
    public string Describe()
    {
        var text = Quote(Manager);
        if (!string.IsNullOrEmpty(Subresource))
            text += " with subresource " + Quote(Subresource);
        return Operation == Update ? $"{text} using {ApiVersion}" : text;
    }

    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["manager"] = Manager,
            ["operation"] = Operation,
            ["apiVersion"] = ApiVersion,
            ["time"] = Time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : OriginalTime?.DeepClone(),
            ["fieldsType"] = "FieldsV1",
            ["fieldsV1"] = FieldsV1.From(Paths.Values),
        };
        if (!string.IsNullOrEmpty(Subresource))
            json["subresource"] = Subresource;
        return json;
    }

    /// <summary>Go's %q for the printable names a field manager may have.</summary>
    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
