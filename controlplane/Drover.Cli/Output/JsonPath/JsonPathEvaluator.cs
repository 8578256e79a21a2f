using System.Text.Json;

namespace Drover.Cli.Output.JsonPath;

/// <summary>
/// Runs a parsed path over a JSON document. As kubectl's `--allow-missing-template-keys` (on by default), a member or
/// element that is not there yields nothing rather than an error. The number of values one step may produce is bounded
/// (`..` over a large list), so a template cannot make the CLI run away.
/// </summary>
internal static class JsonPathEvaluator
{
    public const int MaxValues = 1_000_000;

    public static List<JsonElement> Evaluate(JsonPathExpression expression, JsonElement current, JsonElement root)
    {
        ArgumentNullException.ThrowIfNull(expression);
        List<JsonElement> values = [expression.FromRoot ? root : current];
        foreach (var step in expression.Steps)
        {
            values = Apply(step, values, root);
            if (values.Count > MaxValues)
                throw new JsonPathException($"the path yields more than {MaxValues} values");
        }
        return values;
    }

    private static List<JsonElement> Apply(PathStep step, List<JsonElement> values, JsonElement root)
    {
        var result = new List<JsonElement>();
        foreach (var value in values)
        {
            switch (step)
            {
                case FieldStep field when value.ValueKind == JsonValueKind.Object:
                    foreach (var name in field.Names)
                        if (value.TryGetProperty(name, out var member))
                            result.Add(member);
                    break;
                case WildcardStep when value.ValueKind == JsonValueKind.Object:
                    result.AddRange(value.EnumerateObject().Select(p => p.Value));
                    break;
                case WildcardStep when value.ValueKind == JsonValueKind.Array:
                    result.AddRange(value.EnumerateArray());
                    break;
                case DescendantsStep:
                    AddDescendants(value, result);
                    break;
                case IndexStep index when value.ValueKind == JsonValueKind.Array:
                    var length = value.GetArrayLength();
                    foreach (var i in index.Indexes)
                    {
                        var at = i < 0 ? length + i : i;
                        if (at >= 0 && at < length)
                            result.Add(value[at]);
                    }
                    break;
                case SliceStep slice when value.ValueKind == JsonValueKind.Array:
                    AddSlice(value, slice, result);
                    break;
                case FilterStep filter when value.ValueKind == JsonValueKind.Array:
                    result.AddRange(value.EnumerateArray().Where(e => Holds(filter.Condition, e, root)));
                    break;
            }
        }
        return result;
    }

    private static void AddDescendants(JsonElement value, List<JsonElement> result)
    {
        // Iterative, so a deep document cannot exhaust the stack.
        var pending = new Stack<JsonElement>();
        pending.Push(value);
        while (pending.Count > 0)
        {
            var next = pending.Pop();
            result.Add(next);
            if (result.Count > MaxValues)
                throw new JsonPathException($"the path yields more than {MaxValues} values");
            var children = next.ValueKind switch
            {
                JsonValueKind.Object => next.EnumerateObject().Select(p => p.Value).ToList(),
                JsonValueKind.Array => next.EnumerateArray().ToList(),
                _ => [],
            };
            for (var i = children.Count - 1; i >= 0; i--)
                pending.Push(children[i]);
        }
    }

    private static void AddSlice(JsonElement array, SliceStep slice, List<JsonElement> result)
    {
        var length = array.GetArrayLength();
        int Clamp(int? bound, int fallback) => bound is not { } b ? fallback : Math.Clamp(b < 0 ? length + b : b, 0, length);
        if (slice.Step > 0)
        {
            for (var i = Clamp(slice.Start, 0); i < Clamp(slice.End, length); i += slice.Step)
                result.Add(array[i]);
        }
        else
        {
            var start = slice.Start is null ? length - 1 : Math.Min(Clamp(slice.Start, 0), length - 1);
            var end = slice.End is null ? -1 : Clamp(slice.End, 0);
            for (var i = start; i > end; i += slice.Step)
                result.Add(array[i]);
        }
    }

    private static bool Holds(Condition condition, JsonElement element, JsonElement root)
    {
        var left = Evaluate(condition.Left, element, root);
        if (condition.Operator is null)
            return left.Count > 0;
        var right = condition.Right switch
        {
            LiteralOperand literal => [literal.Value],
            PathOperand path => Evaluate(path.Path, element, root),
            _ => [],
        };
        return left.Any(l => right.Any(r => Compare(l, condition.Operator, r)));
    }

    private static bool Compare(JsonElement left, string op, JsonElement right)
    {
        int order;
        if (left.ValueKind == JsonValueKind.Number && right.ValueKind == JsonValueKind.Number)
            order = left.GetDouble().CompareTo(right.GetDouble());
        else if (left.ValueKind == JsonValueKind.String && right.ValueKind == JsonValueKind.String)
            order = string.CompareOrdinal(left.GetString(), right.GetString());
        else if (op is "==" or "!=")
            order = Text(left) == Text(right) && left.ValueKind == right.ValueKind ? 0 : 1;
        else
            return false;
        return op switch
        {
            "==" => order == 0,
            "!=" => order != 0,
            "<" => order < 0,
            "<=" => order <= 0,
            ">" => order > 0,
            ">=" => order >= 0,
            _ => false,
        };
    }

    /// <summary>How kubectl prints one value: strings bare, numbers and booleans as written, objects and arrays as JSON.</summary>
    public static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        _ => Compact(value),
    };

    private static string Compact(JsonElement value)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            value.WriteTo(writer);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

}
