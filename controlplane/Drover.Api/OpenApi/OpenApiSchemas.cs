using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Drover.Api.Patching;

namespace Drover.Api.OpenApi;

/// <summary>
/// OpenAPI schemas of the kinds in <see cref="ResourceTypes"/>, made at start-up from System.Text.Json's
/// source-generated metadata (the same <see cref="JsonTypeInfo"/> the server decodes with, so the schema cannot drift
/// from what is accepted; no reflection, Native AOT-safe). One named definition per API type, referenced with $ref;
/// each kind carries x-kubernetes-group-version-kind, and list fields the merge keys and strategies of
/// <see cref="PatchStrategies"/>, as Kubernetes publishes them. Leaf types with their own converters (quantities,
/// int-or-string, timestamps) get the shapes Kubernetes gives them.
/// </summary>
public sealed class OpenApiSchemas
{
    public const string NamePrefix = "io.drover.api.";

    private readonly Dictionary<string, JsonObject> _definitions = new(StringComparer.Ordinal);
    private readonly string _refPrefix;
    private readonly bool _v3;

    /// <param name="v3">OpenAPI v3 (#/components/schemas/, int-or-string as x-kubernetes-int-or-string) or v2 (#/definitions/).</param>
    /// <param name="descriptions">Kubernetes' descriptions and enum values to put on each kind's types and fields, if any.</param>
    public OpenApiSchemas(IEnumerable<ResourceType> kinds, bool v3, OpenApiDescriptions? descriptions = null)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        _v3 = v3;
        _refPrefix = v3 ? "#/components/schemas/" : "#/definitions/";
        foreach (var kind in kinds)
        {
            var name = Define(kind.ClrType);
            _definitions[name]["x-kubernetes-group-version-kind"] = new JsonArray(new JsonObject
            {
                ["group"] = kind.Group,
                ["kind"] = kind.Kind,
                ["version"] = kind.Version,
            });
        }
        if (descriptions is null)
            return;
        var described = new HashSet<string>(StringComparer.Ordinal);
        foreach (var kind in kinds)
            Describe(NameOf(kind.ClrType), OpenApiDescriptions.KeyOf(kind), descriptions, described);
    }

    /// <summary>
    /// Puts Kubernetes' description on one definition and its fields, then on the types its fields hold, following
    /// Kubernetes' field types alongside (a Drover type reached twice keeps the first description).
    /// </summary>
    private void Describe(string name, string key, OpenApiDescriptions descriptions, HashSet<string> described)
    {
        if (!described.Add(name) || !descriptions.TryGetType(key, out var type))
            return;
        var schema = _definitions[name];
        if (type.TryGetProperty("d", out var description) && description.GetString() is { Length: > 0 } text)
            schema["description"] = text;
        if (schema["properties"] is not JsonObject properties || !type.TryGetProperty("p", out var fields))
            return;
        foreach (var (fieldName, node) in properties.ToList())
        {
            if (node is not JsonObject field || !fields.TryGetProperty(fieldName, out var kubernetes))
                continue;
            var held = References(field).FirstOrDefault();
            if (kubernetes.TryGetProperty("d", out var fieldDescription))
            {
                // A ref cannot carry siblings in OpenAPI v3: wrap it, as Kubernetes' documents do.
                if (_v3 && field.ContainsKey("$ref"))
                    field = Wrap(field);
                field["description"] = fieldDescription.GetString();
            }
            if (kubernetes.TryGetProperty("e", out var values) && field["type"]?.GetValue<string>() == "string")
                field["enum"] = new JsonArray([.. values.EnumerateArray().Select(v => (JsonNode?)v.GetString())]);
            if (held is not null && kubernetes.TryGetProperty("r", out var heldKey))
                Describe(held, heldKey.GetString()!, descriptions, described);
        }
    }

    /// <summary>Every definition, by name (sorted: the documents are stable byte for byte).</summary>
    public IEnumerable<KeyValuePair<string, JsonObject>> Definitions => _definitions.OrderBy(d => d.Key, StringComparer.Ordinal);

    public static string NameOf(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return NamePrefix + type.Name;
    }

    public string RefOf(ResourceType kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        return _refPrefix + NameOf(kind.ClrType);
    }

    /// <summary>The definitions a kind reaches (itself included), for a per-group-version v3 document.</summary>
    public IEnumerable<KeyValuePair<string, JsonObject>> Reachable(IEnumerable<ResourceType> kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(kinds.Select(k => NameOf(k.ClrType)));
        while (pending.TryPop(out var name))
        {
            if (!seen.Add(name))
                continue;
            foreach (var reference in References(_definitions[name]))
                pending.Push(reference);
        }
        return seen.Select(n => new KeyValuePair<string, JsonObject>(n, _definitions[n]));
    }

    private IEnumerable<string> References(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    if (key == "$ref" && value?.GetValue<string>() is { } target && target.StartsWith(_refPrefix, StringComparison.Ordinal))
                        yield return target[_refPrefix.Length..];
                    else
                        foreach (var inner in References(value))
                            yield return inner;
                }
                break;
            case JsonArray a:
                foreach (var item in a)
                    foreach (var inner in References(item))
                        yield return inner;
                break;
        }
    }

    /// <summary>Defines an object type (once) and returns its definition's name.</summary>
    private string Define(Type type)
    {
        var name = NameOf(type);
        if (_definitions.ContainsKey(name))
            return name;
        var schema = new JsonObject { ["type"] = "object" };
        _definitions[name] = schema;
        var info = ApiJsonContext.Default.GetTypeInfo(type) ?? throw new InvalidOperationException($"{type.Name} is not in ApiJsonContext");
        var properties = new JsonObject();
        foreach (var property in info.Properties.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            var field = SchemaOf(property.PropertyType);
            if (PatchStrategies.Find(type.Name, property.Name) is { } strategy)
            {
                if (strategy.MergeKey is not null)
                    field["x-kubernetes-patch-merge-key"] = strategy.MergeKey;
                field["x-kubernetes-patch-strategy"] = strategy.Text;
                // A ref cannot carry siblings in OpenAPI v3: wrap it, as Kubernetes' documents do.
                if (_v3 && field.ContainsKey("$ref"))
                    field = Wrap(field);
            }
            properties[property.Name] = field;
        }
        schema["properties"] = properties;
        return name;
    }

    private static JsonObject Wrap(JsonObject field)
    {
        var reference = field["$ref"]!.GetValue<string>();
        field.Remove("$ref");
        field["allOf"] = new JsonArray(new JsonObject { ["$ref"] = reference });
        return field;
    }

    private JsonObject SchemaOf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (Leaf(type) is { } leaf)
            return leaf;
        var info = ApiJsonContext.Default.GetTypeInfo(type);
        return info?.Kind switch
        {
            JsonTypeInfoKind.Object => new JsonObject { ["$ref"] = _refPrefix + Define(type) },
            JsonTypeInfoKind.Enumerable => new JsonObject { ["type"] = "array", ["items"] = SchemaOf(info.ElementType!) },
            JsonTypeInfoKind.Dictionary => new JsonObject { ["type"] = "object", ["additionalProperties"] = SchemaOf(info.ElementType!) },
            // A type with a converter of its own and no row below: say nothing rather than something wrong.
            _ => new JsonObject(),
        };
    }

    private JsonObject? Leaf(Type type)
    {
        if (type == typeof(string))
            return new JsonObject { ["type"] = "string" };
        if (type == typeof(bool))
            return new JsonObject { ["type"] = "boolean" };
        if (type == typeof(int) || type == typeof(short))
            return new JsonObject { ["type"] = "integer", ["format"] = "int32" };
        if (type == typeof(long))
            return new JsonObject { ["type"] = "integer", ["format"] = "int64" };
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
            return new JsonObject { ["type"] = "number", ["format"] = "double" };
        if (type == typeof(DateTimeOffset) || type == typeof(DateTime))
            return new JsonObject { ["type"] = "string", ["format"] = "date-time" };
        if (type == typeof(byte[]))
            return new JsonObject { ["type"] = "string", ["format"] = "byte" };
        if (type == typeof(IntOrString))
            return _v3 ? new JsonObject { ["x-kubernetes-int-or-string"] = true } : new JsonObject { ["type"] = "string", ["format"] = "int-or-string" };
        if (type == typeof(Quantity))
            return new JsonObject { ["type"] = "string" };
        if (type.IsEnum)
            return new JsonObject { ["type"] = "string" };
        return null;
    }
}
