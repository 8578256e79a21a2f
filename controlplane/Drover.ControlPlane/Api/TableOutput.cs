using System.Globalization;
using System.Text.Json;
using Drover.Api;
using Drover.Api.Printing;

namespace Drover.ControlPlane.Api;

/// <summary>
/// Server-side printing (meta.k8s.io/v1 Table), what `kubectl get` asks for with
/// <c>Accept: application/json;as=Table;v=v1;g=meta.k8s.io</c>: the columns kubectl shows per kind, the wide-only ones
/// at priority 1 (printed with -o wide), and each row's object as PartialObjectMetadata (includeObject=Metadata, the
/// default), the whole object (Object) or nothing (None). The columns are the CLI's own (<see cref="ColumnSets"/>),
/// so `drover get` and `kubectl get` print alike.
/// </summary>
internal sealed record TableOutput(IncludeObject Include)
{
    public const string ContentType = "application/json;as=Table;v=v1;g=meta.k8s.io";

    /// <summary>Null when the client did not ask for a Table before plain JSON (the client's order decides).</summary>
    public static TableOutput? FromRequest(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        foreach (var range in MediaRange.ParseAccept(request))
        {
            if (range.Names("Table", "meta.k8s.io", "v1") || range.Names("Table", "meta.k8s.io", "v1beta1"))
                return new TableOutput(ParseInclude(QueryParameters.Single(request.Query, "includeObject")));
            if (range.IsJson && range["as"] is null)
                return null;
        }
        return null;
    }

    private static IncludeObject ParseInclude(string? value) => value switch
    {
        null or "" or "Metadata" => IncludeObject.Metadata,
        "Object" => IncludeObject.Object,
        "None" => IncludeObject.None,
        _ => throw new ApiException(ApiErrors.BadRequest($"includeObject: Unsupported value: \"{Truncated(value)}\": supported values: \"Metadata\", \"None\", \"Object\"")),
    };

    private static string Truncated(string value) => value.Length <= 64 ? value : value[..64] + "…";

    /// <summary>The Table's opening: kind, apiVersion, metadata and the column definitions; rows follow with <see cref="WriteRow"/>.</summary>
    public static void WriteStart(Utf8JsonWriter writer, ResourceType type, string? resourceVersion, string? continueToken)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(type);
        writer.WriteStartObject();
        writer.WriteString("kind"u8, "Table");
        writer.WriteString("apiVersion"u8, "meta.k8s.io/v1");
        writer.WriteStartObject("metadata"u8);
        if (resourceVersion is not null)
            writer.WriteString("resourceVersion"u8, resourceVersion);
        if (continueToken is not null)
            writer.WriteString("continue"u8, continueToken);
        writer.WriteEndObject();
        writer.WriteStartArray("columnDefinitions"u8);
        foreach (var column in ColumnSets.For(type))
        {
            writer.WriteStartObject();
            writer.WriteString("name"u8, column.Header);
            writer.WriteString("type"u8, "string");
            writer.WriteString("format"u8, ReferenceEquals(column, Column.Name) ? "name" : "");
            writer.WriteString("description"u8, "");
            writer.WriteNumber("priority"u8, column.WideOnly ? 1 : 0);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteStartArray("rows"u8);
    }

    public void WriteRow(Utf8JsonWriter writer, ResourceType type, KubeObject obj, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(obj);
        writer.WriteStartObject();
        writer.WriteStartArray("cells"u8);
        foreach (var column in ColumnSets.For(type))
            writer.WriteStringValue(column.Value(obj, now));
        writer.WriteEndArray();
        switch (Include)
        {
            case IncludeObject.Object:
                writer.WritePropertyName("object"u8);
                type.Serialize(writer, obj);
                break;
            case IncludeObject.Metadata:
                writer.WriteStartObject("object"u8);
                writer.WriteString("kind"u8, "PartialObjectMetadata");
                writer.WriteString("apiVersion"u8, "meta.k8s.io/v1");
                writer.WritePropertyName("metadata"u8);
                JsonSerializer.Serialize(writer, obj.Metadata, ApiJsonContext.Default.ObjectMeta);
                writer.WriteEndObject();
                break;
        }
        writer.WriteEndObject();
    }

    public static void WriteEnd(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>A Table of one object: a get, or one watch event.</summary>
    public void WriteSingle(Utf8JsonWriter writer, ResourceType type, KubeObject obj, DateTimeOffset now)
    {
        WriteStart(writer, type, obj.Metadata.ResourceVersion, null);
        WriteRow(writer, type, obj, now);
        WriteEnd(writer);
    }

    public static string Revision(long revision) => revision.ToString(CultureInfo.InvariantCulture);
}
