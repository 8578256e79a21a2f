using System.Text.Json;
using System.Text.Json.Nodes;

namespace Drover.ControlPlane.Api.OpenApi;

/// <summary>
/// The OpenAPI v2 document in gnostic's protobuf form (openapi_v2.Document, the field numbers of gnostic's
/// OpenAPIv2.proto), which is the only form client-go's discovery reads from /openapi/v2: kubectl apply's validation
/// and its patch computation load it. Converts the subset of the JSON document droverd writes (definitions with
/// properties, items, additionalProperties, $ref, x- extensions; paths with PATCH operations, their query parameters
/// and extensions). An x- extension's value travels as YAML text, and JSON is YAML.
/// </summary>
internal static class OpenApiV2Protobuf
{
    public static byte[] Encode(JsonObject document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var w = new ProtobufWriter();
        w.String(1, Text(document["swagger"]));
        if (document["info"] is JsonObject info)
            w.Message(2, i => { i.String(1, Text(info["title"])); i.String(2, Text(info["version"])); });
        if (document["paths"] is JsonObject paths)
            w.Message(8, p =>
            {
                foreach (var (name, item) in paths)
                    p.Message(2, named => { named.String(1, name); named.Message(2, pi => PathItem(pi, (JsonObject)item!)); });
            });
        if (document["definitions"] is JsonObject definitions)
            w.Message(9, d =>
            {
                foreach (var (name, schema) in definitions)
                    d.Message(1, named => { named.String(1, name); named.Message(2, s => Schema(s, (JsonObject)schema!)); });
            });
        return w.Written.ToArray();
    }

    private static void PathItem(ProtobufWriter w, JsonObject item)
    {
        foreach (var (method, field) in new[] { ("get", 2), ("put", 3), ("post", 4), ("delete", 5), ("patch", 8) })
            if (item[method] is JsonObject op)
                w.Message(field, o => Operation(o, op));
    }

    private static void Operation(ProtobufWriter w, JsonObject op)
    {
        w.String(5, Text(op["operationId"]));
        foreach (var consumes in op["consumes"] as JsonArray ?? [])
            w.String(7, Text(consumes));
        foreach (var parameter in op["parameters"] as JsonArray ?? [])
        {
            if (parameter is not JsonObject p || Text(p["in"]) != "query")
                continue;
            // ParametersItem.parameter → Parameter.non_body_parameter → NonBodyParameter.query_parameter_sub_schema
            w.Message(8, item => item.Message(1, param => param.Message(2, nonBody => nonBody.Message(3, q =>
            {
                q.String(2, "query");
                q.String(3, Text(p["description"]));
                q.String(4, Text(p["name"]));
                q.String(6, Text(p["type"]));
                q.Bool(20, p["uniqueItems"]?.GetValue<bool>() == true);
            }))));
        }
        Extensions(w, 13, op);
    }

    private static void Schema(ProtobufWriter w, JsonObject schema)
    {
        w.String(1, Text(schema["$ref"]));
        w.String(2, Text(schema["format"]));
        w.String(4, Text(schema["description"]));
        foreach (var required in schema["required"] as JsonArray ?? [])
            w.String(19, Text(required));
        if (schema["additionalProperties"] is JsonObject additional)
            w.Message(21, a => a.Message(1, s => Schema(s, additional)));
        if (Text(schema["type"]) is { } type)
            w.Message(22, t => t.String(1, type));
        if (schema["items"] is JsonObject items)
            w.Message(23, i => i.Message(1, s => Schema(s, items)));
        if (schema["properties"] is JsonObject properties)
            w.Message(25, p =>
            {
                foreach (var (name, property) in properties)
                    p.Message(1, named => { named.String(1, name); named.Message(2, s => Schema(s, (JsonObject)property!)); });
            });
        Extensions(w, 31, schema);
    }

    private static void Extensions(ProtobufWriter w, int field, JsonObject owner)
    {
        foreach (var (name, value) in owner)
        {
            if (!name.StartsWith("x-", StringComparison.Ordinal) || value is null)
                continue;
            var yaml = value.ToJsonString();
            w.Message(field, named => { named.String(1, name); named.Message(2, any => any.String(2, yaml)); });
        }
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
