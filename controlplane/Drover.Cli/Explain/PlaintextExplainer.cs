using System.Text;
using System.Text.Json;
using static Drover.Cli.Explain.TemplateValues;

namespace Drover.Cli.Explain;

/// <summary>
/// `explain`'s plaintext output, rendered from one OpenAPI v3 group-version document the way kubectl 1.32's template
/// (k8s.io/kubectl pkg/explain/v2/templates/plaintext.tmpl) renders it: the kind from the resource's paths
/// (x-kubernetes-group-version-kind), its schema from components.schemas, then the field path followed through
/// properties, items, additionalProperties and allOf. Each method is one of the template's `define`s, with the same
/// branches in the same order, so output and errors match kubectl's byte for byte.
/// </summary>
internal sealed class PlaintextExplainer
{
    /// <summary>How deep the walk may go through nested and referenced schemas (a reference cycle in `description` would otherwise not end).</summary>
    public const int MaxDepth = 256;

    /// <summary>The most text one explain may print (a document whose references fan out would otherwise grow without bound under --recursive).</summary>
    public const int MaxOutputChars = 32 * 1024 * 1024;

    private static readonly string[] Methods = ["get", "post", "put", "patch", "delete"];

    private readonly JsonElement _document;
    private readonly bool _recursive;
    private int _depth;
    private long _written;

    private PlaintextExplainer(JsonElement document, bool recursive)
    {
        _document = document;
        _recursive = recursive;
    }

    /// <summary>
    /// Appends the explanation of <paramref name="target"/> to <paramref name="output"/>. kubectl writes as it goes, so
    /// on an error (an unknown field) the header is already out: the caller prints <paramref name="output"/> before the
    /// <see cref="CliException"/>'s message.
    /// </summary>
    public static void Render(JsonElement document, ExplainTarget target, bool recursive, StringBuilder output)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(output);
        new PlaintextExplainer(document, recursive).Main(target, output);
    }

    private void Main(ExplainTarget target, StringBuilder output)
    {
        var prefix = target.Group.Length == 0 ? "/api" : "/apis/" + target.Group;
        string[] searchPaths =
        [
            $"{prefix}/{target.Version}/{target.Resource}",
            $"{prefix}/{target.Version}/{target.Resource}/{{name}}",
            $"{prefix}/{target.Version}/namespaces/{{namespace}}/{target.Resource}",
            $"{prefix}/{target.Version}/namespaces/{{namespace}}/{target.Resource}/{{name}}",
        ];
        // As the template: every search path is tried; within one, the first method naming a kind wins (its `break`
        // leaves only the methods' loop, and a later method without one overwrites with nothing).
        JsonElement? gvk = null;
        var paths = Member(_document, "paths");
        foreach (var searchPath in searchPaths)
        {
            if (Member(paths, searchPath) is not { } pathItem || !Truthy(pathItem))
                continue;
            foreach (var method in Methods)
            {
                if (Member(pathItem, method) is not { } operation || !Truthy(operation))
                    continue;
                gvk = Member(operation, "x-kubernetes-group-version-kind");
                if (Truthy(gvk))
                    break;
            }
        }
        if (!Truthy(gvk))
            throw new CliException($"error: GVR ({target.GroupVersionResource}) not found in OpenAPI schema");

        if (Truthy(Member(gvk, "group")))
            output.Append("GROUP:      ").Append(Print(Member(gvk, "group"))).Append('\n');
        output.Append("KIND:       ").Append(Print(Member(gvk, "kind"))).Append('\n');
        output.Append("VERSION:    ").Append(Print(Member(gvk, "version"))).Append("\n\n");

        var schema = SchemaOf(gvk!.Value, target.FieldPath);
        if (schema.Length == 0)
            throw new CliException($"error: GVK {Print(gvk)} not found in OpenAPI schema");
        output.Append(schema).Append('\n');
    }

    /// <summary>The template's "schema": the explanation from the component whose x-kubernetes-group-version-kind lists the kind.</summary>
    private string SchemaOf(JsonElement gvk, IReadOnlyList<string> fieldPath)
    {
        foreach (var component in Members(Member(Member(_document, "components"), "schemas")))
        {
            if (!Elements(component.Value, "x-kubernetes-group-version-kind").Any(k => DeepEquals(k, gvk)))
                continue;
            var text = new StringBuilder();
            Output(component.Value, History.Empty, fieldPath, text);
            if (text.Length == 0)
                throw new CliException($"error: field \"{fieldPath[^1]}\" does not exist");
            return text.ToString();
        }
        return "";
    }

    /// <summary>The template's "output": follow the field path; at its end, DESCRIPTION and FIELDS. Nothing when the path leads nowhere.</summary>
    private void Output(JsonElement schema, History history, IReadOnlyList<string> fieldPath, StringBuilder text)
    {
        using var depth = Enter();
        var reference = Text(schema, "$ref") ?? "";
        var next = history.With(reference);
        var resolved = Resolved(schema);
        if (fieldPath.Count == 0)
        {
            text.Append("DESCRIPTION:\n");
            var description = new StringBuilder();
            Description(resolved, description);
            Append(text, WordWrap.Indent(4, WordWrap.Wrap(description.Length > 0 ? description.ToString() : "<empty>", 76)));
            text.Append('\n');
            var fields = new StringBuilder();
            FieldList(resolved, 1, History.Empty, fields);
            if (fields.Length > 0)
                text.Append("FIELDS:\n").Append(fields);
            return;
        }
        if (reference.Length > 0 && history.Contains(reference))
            return; // a cycle
        if (Member(Member(resolved, "properties"), fieldPath[0]) is { } property && Truthy(property))
        {
            if (fieldPath.Count == 1)
            {
                text.Append("FIELD: ").Append(fieldPath[0]).Append(" <").Append(TypeGuess(property)).Append(">\n");
                ExtractEnum(property, longView: true, limit: -1, indentAmount: 0, text);
                text.Append("\n\n");
            }
            Output(property, History.Empty, fieldPath.Skip(1).ToList(), text);
        }
        else if (Schema(resolved, "items") is { } items)
        {
            Output(items, next, fieldPath, text);
        }
        else if (Schema(resolved, "additionalProperties") is { } values)
        {
            Output(values, next, fieldPath, text);
        }
        else
        {
            foreach (var alternative in Elements(resolved, "allOf"))
            {
                var attempt = new StringBuilder();
                Output(alternative, next, fieldPath, attempt);
                if (attempt.Length > 0)
                {
                    text.Append(attempt);
                    break;
                }
            }
        }
    }

    /// <summary>The template's "fieldList": each property (by name), and under --recursive its own fields one level deeper.</summary>
    private void FieldList(JsonElement schema, int level, History history, StringBuilder text)
    {
        using var depth = Enter();
        var reference = Text(schema, "$ref") ?? "";
        if (reference.Length > 0 && history.Contains(reference))
            return; // a cycle
        var next = history.With(reference);
        var resolved = Resolved(schema);
        foreach (var property in Members(Member(resolved, "properties")))
        {
            FieldDetail(property.Name, resolved, short_: _recursive, level, text);
            if (_recursive)
                FieldList(property.Value, level + 1, next, text);
        }
        foreach (var alternative in Elements(resolved, "allOf"))
            FieldList(alternative, level, next, text);
        if (Schema(resolved, "items") is { } items)
            FieldList(items, level, next, text);
        if (Schema(resolved, "additionalProperties") is { } values)
            FieldList(values, level, next, text);
    }

    /// <summary>The template's "fieldDetail": "name\t&lt;type&gt; -required-", an enum line, and (unless short) the wrapped description.</summary>
    private void FieldDetail(string name, JsonElement schema, bool short_, int level, StringBuilder text)
    {
        var indentAmount = level * 2;
        var field = Member(Member(schema, "properties"), name);
        var line = new StringBuilder();
        line.Append(WordWrap.Indent(indentAmount, name)).Append("\t<").Append(TypeGuess(field)).Append('>');
        if (Elements(schema, "required").Any(r => r.ValueKind == JsonValueKind.String && r.GetString() == name))
            line.Append(" -required-");
        ExtractEnum(field, longView: false, limit: 4, indentAmount, line);
        line.Append('\n');
        if (!short_)
        {
            var description = Text(field, "description") is { Length: > 0 } d ? d : "<no description>";
            line.Append(WordWrap.Indent(indentAmount + 2, WordWrap.Wrap(description, 78 - indentAmount))).Append("\n\n");
        }
        Append(text, line.ToString());
    }

    /// <summary>The template's "description": the (resolved) schema's own, then those of its allOf, items and additionalProperties.</summary>
    private void Description(JsonElement? schema, StringBuilder text)
    {
        using var depth = Enter();
        var resolved = schema is { } s ? Resolved(s) : (JsonElement?)null;
        if (!Truthy(resolved))
            return;
        if (Truthy(Member(resolved, "description")))
            Append(text, Print(Member(resolved, "description")) + "\n");
        foreach (var alternative in Elements(resolved, "allOf"))
            Description(alternative, text);
        if (Schema(resolved, "items") is { } items)
            Description(items, text);
        if (Schema(resolved, "additionalProperties") is { } values)
            Description(values, text);
    }

    /// <summary>The template's "typeGuess": string, integer, []Container, map[string]string, Object, or a referenced kind's short name.</summary>
    private string TypeGuess(JsonElement? schema)
    {
        using var depth = Enter();
        if (!Truthy(schema))
            throw new CliException("error: expected schema argument to subtemplate 'typeguess'");
        if (Schema(schema, "items") is { } items)
            return "[]" + TypeGuess(items);
        if (Schema(schema, "additionalProperties") is { } values)
            return "map[string]" + TypeGuess(values);
        var allOf = Member(schema, "allOf");
        if (Truthy(allOf) && !Truthy(Member(schema, "properties")) && allOf!.Value.ValueKind == JsonValueKind.Array && allOf.Value.GetArrayLength() == 1)
            return TypeGuess(allOf.Value[0]);
        if (Text(schema, "$ref") is { Length: > 0 } reference)
        {
            var target = ResolveRef(Member(schema, "$ref"), _document);
            var type = Member(target, "type");
            if (!Truthy(target) || !Truthy(type) || IsObject(type))
            {
                var name = reference.Split('/')[^1].Split('.')[^1];
                return name.Length > 0 ? name : "Object";
            }
            return Print(type);
        }
        var own = Member(schema, "type");
        if (IsObject(own))
            return "Object";
        return Truthy(own) ? Print(own) : "Object";
    }

    /// <summary>The template's "extractEnum": "enum: a, b, c, d, ...." in the field list, "ENUM:" with one value a line for a field.</summary>
    private static void ExtractEnum(JsonElement? schema, bool longView, int limit, int indentAmount, StringBuilder text)
    {
        var values = Member(schema, "enum");
        if (!Truthy(values) || values!.Value.ValueKind != JsonValueKind.Array)
            return;
        text.Append(longView ? "ENUM:" : "\n" + new string(' ', indentAmount) + "enum: ");
        var index = 0;
        foreach (var value in values.Value.EnumerateArray())
        {
            if (limit > -1 && index >= limit)
            {
                text.Append(", ....");
                break;
            }
            if (index > 0 && !longView)
                text.Append(", ");
            else if (longView)
                text.Append("\n    ");
            text.Append(value.ValueKind == JsonValueKind.String && value.GetString()!.Length == 0 ? "\"\"" : Print(value));
            index++;
        }
    }

    private static bool IsObject(JsonElement? type) => type is { ValueKind: JsonValueKind.String } t && t.GetString() == "object";

    /// <summary>`or (resolveRef $ref) schema`: the referenced schema when there is one (and it is not empty), else the schema itself.</summary>
    private JsonElement Resolved(JsonElement schema) =>
        ResolveRef(Member(schema, "$ref"), _document) is { } target && Truthy(target) ? target : schema;

    private void Append(StringBuilder text, string part)
    {
        _written += part.Length;
        if (_written > MaxOutputChars)
            throw new CliException($"error: the explanation is longer than {MaxOutputChars} characters (the limit MaxOutputChars); the server's OpenAPI document refers to its schemas too often");
        text.Append(part);
    }

    private DepthScope Enter()
    {
        if (++_depth > MaxDepth)
            throw new CliException($"error: the server's OpenAPI schema nests deeper than {MaxDepth} levels (the limit MaxDepth), or its references form a cycle");
        return new DepthScope(this);
    }

    private readonly struct DepthScope(PlaintextExplainer owner) : IDisposable
    {
        public void Dispose() => owner._depth--;
    }

    /// <summary>The template's history: the $refs on the way here, to stop at a cycle. Immutable, as each branch of the walk keeps its own.</summary>
    private sealed class History
    {
        public static readonly History Empty = new("", null);
        private readonly string _reference;
        private readonly History? _parent;

        private History(string reference, History? parent)
        {
            _reference = reference;
            _parent = parent;
        }

        public History With(string reference) => new(reference, this);

        public bool Contains(string reference)
        {
            for (var h = this; h is not null; h = h._parent)
            {
                if (h._reference == reference && h != Empty)
                    return true;
            }
            return false;
        }
    }
}
