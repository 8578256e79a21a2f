using System.Text;
using System.Text.Json;

namespace Drover.Cli.Output.JsonPath;

/// <summary>`-o jsonpath=TEMPLATE`: the parsed template, run against each document printed.</summary>
internal sealed class JsonPathTemplate
{
    private readonly IReadOnlyList<TemplatePart> _parts;

    private JsonPathTemplate(IReadOnlyList<TemplatePart> parts) => _parts = parts;

    public static JsonPathTemplate Parse(string template) => new(JsonPathParser.ParseTemplate(template));

    public string Execute(JsonElement root)
    {
        var output = new StringBuilder();
        Write(_parts, root, root, output);
        return output.ToString();
    }

    private static void Write(IReadOnlyList<TemplatePart> parts, JsonElement current, JsonElement root, StringBuilder output)
    {
        foreach (var part in parts)
        {
            switch (part)
            {
                case TextPart text:
                    output.Append(text.Text);
                    break;
                case ExpressionPart expression:
                    // Several values of one action are separated by a space, as kubectl prints them.
                    output.AppendJoin(' ', JsonPathEvaluator.Evaluate(expression.Expression, current, root).Select(JsonPathEvaluator.Text));
                    break;
                case RangePart range:
                    foreach (var item in RangeItems(JsonPathEvaluator.Evaluate(range.Expression, current, root)))
                        Write(range.Body, item, root, output);
                    break;
            }
        }
    }

    // {range .items} walks the array's elements, as {range .items[*]} does.
    private static IEnumerable<JsonElement> RangeItems(List<JsonElement> values) =>
        values.Count == 1 && values[0].ValueKind == JsonValueKind.Array ? values[0].EnumerateArray() : values;
}
