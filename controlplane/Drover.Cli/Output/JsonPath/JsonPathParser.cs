using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Drover.Cli.Output.JsonPath;

/// <summary>
/// Parses kubectl's JSONPath templates (k8s.io/client-go/util/jsonpath): text with `{…}` actions holding a path
/// (`.a.b`, `['a.b']`, `[0]`, `[-1]`, `[1:3]`, `[*]`, `..a`, `[?(@.x == "y")]`), a quoted literal (`{"\n"}`) or
/// `{range PATH}…{end}`. Limits are checked while parsing: the template's length and the nesting of ranges and filters.
/// Every error is a <see cref="JsonPathException"/> whose message says what is wrong and where.
/// </summary>
internal sealed class JsonPathParser
{
    public const int MaxTemplateLength = 4096;
    public const int MaxNesting = 8;

    private readonly string _text;
    private int _depth;

    private JsonPathParser(string text) => _text = text;

    /// <summary>A whole template: text and `{…}` actions.</summary>
    public static IReadOnlyList<TemplatePart> ParseTemplate(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (template.Length > MaxTemplateLength)
            throw new JsonPathException($"the template is {template.Length} characters long; at most {MaxTemplateLength} are allowed");
        return new JsonPathParser(template).Template();
    }

    /// <summary>
    /// kubectl's "relaxed" form for custom columns and --sort-by: `.a.b`, `a.b` and `{.a.b}` all mean the same path.
    /// </summary>
    public static JsonPathExpression ParseRelaxed(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var text = path.Trim();
        if (text.StartsWith('{') && text.EndsWith('}'))
            text = text[1..^1].Trim();
        if (text.Length == 0)
            throw new JsonPathException("the path is empty");
        if (text[0] is not ('.' or '$' or '@' or '['))
            text = "." + text;
        if (text.Length > MaxTemplateLength)
            throw new JsonPathException($"the path is {text.Length} characters long; at most {MaxTemplateLength} are allowed");
        return new JsonPathParser(text).Path(text, 0);
    }

    private List<TemplatePart> Template()
    {
        var stack = new Stack<(JsonPathExpression Expression, List<TemplatePart> Parts)>();
        var parts = new List<TemplatePart>();
        var text = new StringBuilder();
        var i = 0;
        while (i < _text.Length)
        {
            if (_text[i] != '{')
            {
                text.Append(_text[i++]);
                continue;
            }
            if (text.Length > 0)
            {
                parts.Add(new TextPart(text.ToString()));
                text.Clear();
            }
            var close = ActionEnd(i + 1);
            var action = _text[(i + 1)..close].Trim();
            var at = i + 1 + (_text[(i + 1)..close].Length - _text[(i + 1)..close].TrimStart().Length);
            i = close + 1;
            if (action.StartsWith("range ", StringComparison.Ordinal) || action == "range")
            {
                if (stack.Count >= MaxNesting)
                    throw new JsonPathException($"ranges are nested more than {MaxNesting} deep");
                var expression = Path(action[5..].Trim(), at + 5);
                stack.Push((expression, parts));
                parts = [];
            }
            else if (action == "end")
            {
                if (stack.Count == 0)
                    throw new JsonPathException("{end} without a {range}");
                var (expression, outer) = stack.Pop();
                outer.Add(new RangePart(expression, parts));
                parts = outer;
            }
            else if (action.Length > 0 && action[0] is '"' or '\'')
            {
                var (literal, next) = Quoted(action, 0);
                if (next != action.Length)
                    throw Unexpected(action, next);
                parts.Add(new TextPart(literal));
            }
            else if (action.Length > 0)
            {
                parts.Add(new ExpressionPart(Path(action, at)));
            }
        }
        if (stack.Count > 0)
            throw new JsonPathException("{range} without an {end}");
        if (text.Length > 0)
            parts.Add(new TextPart(text.ToString()));
        return parts;
    }

    /// <summary>The `}` that closes the action starting at <paramref name="start"/>, skipping quoted text.</summary>
    private int ActionEnd(int start)
    {
        for (var i = start; i < _text.Length; i++)
        {
            if (_text[i] is '"' or '\'')
                i = Quoted(_text, i).Next - 1;
            else if (_text[i] == '}')
                return i;
        }
        throw new JsonPathException($"unclosed action at column {start}");
    }

    public JsonPathExpression Path(string text, int column)
    {
        if (text.Length == 0)
            throw new JsonPathException($"an empty path at column {column}");
        var i = 0;
        var fromRoot = false;
        if (text[0] is '$' or '@')
        {
            fromRoot = text[0] == '$';
            i = 1;
        }
        var steps = new List<PathStep>();
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '.')
            {
                i++;
                if (i < text.Length && text[i] == '.')
                {
                    steps.Add(new DescendantsStep());
                    i++;
                }
                if (i >= text.Length)
                    break;
                if (text[i] == '*')
                {
                    steps.Add(new WildcardStep());
                    i++;
                }
                else if (text[i] != '[' && text[i] != '.')
                {
                    var (name, next) = Identifier(text, i);
                    steps.Add(new FieldStep([name]));
                    i = next;
                }
            }
            else if (c == '[')
            {
                var close = BracketEnd(text, i);
                steps.Add(Bracket(text[(i + 1)..close].Trim()));
                i = close + 1;
            }
            else
            {
                throw Unexpected(text, i);
            }
        }
        return new JsonPathExpression(fromRoot, steps);
    }

    private static (string Name, int Next) Identifier(string text, int start)
    {
        var name = new StringBuilder();
        var i = start;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\\' && i + 1 < text.Length)
            {
                // `\.` keeps a dot inside a name: {.metadata.annotations.kubernetes\.io/change-cause}
                name.Append(text[i + 1]);
                i += 2;
            }
            else if (char.IsLetterOrDigit(c) || c is '_' or '-' or '/' or ':')
            {
                name.Append(c);
                i++;
            }
            else
            {
                break;
            }
        }
        if (name.Length == 0)
            throw Unexpected(text, i);
        return (name.ToString(), i);
    }

    private static int BracketEnd(string text, int open)
    {
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '"' or '\'':
                    i = Quoted(text, i).Next - 1;
                    break;
                case '[' or '(':
                    depth++;
                    break;
                case ']' or ')':
                    depth--;
                    if (depth == 0)
                        return text[i] == ']' ? i : throw Unexpected(text, i);
                    break;
            }
        }
        throw new JsonPathException($"unterminated [ at column {open}");
    }

    private PathStep Bracket(string content)
    {
        if (content == "*")
            return new WildcardStep();
        if (content.StartsWith('?'))
            return Filter(content);
        var pieces = SplitOutsideQuotes(content, ',');
        if (pieces.Count == 1 && SplitOutsideQuotes(content, ':') is { Count: > 1 } bounds)
            return Slice(content, bounds);
        if (pieces.All(p => p.Length > 0 && p[0] is '"' or '\''))
            return new FieldStep(pieces.Select(p => Quoted(p, 0) is var (text, next) && next == p.Length ? text : throw Unexpected(p, next)).ToArray());
        return new IndexStep(pieces.Select(p => Integer(p, content)).ToArray());
    }

    private static SliceStep Slice(string content, List<string> bounds)
    {
        if (bounds.Count > 3)
            throw new JsonPathException($"invalid slice [{content}]");
        int? Bound(int i) => i < bounds.Count && bounds[i].Length > 0 ? Integer(bounds[i], content) : null;
        var step = Bound(2) ?? 1;
        if (step == 0)
            throw new JsonPathException($"the slice [{content}] has a step of 0");
        return new SliceStep(Bound(0), Bound(1), step);
    }

    private static int Integer(string text, string context) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new JsonPathException($"invalid array index \"{text}\" in [{context}]");

    private FilterStep Filter(string content)
    {
        if (!content.StartsWith("?(", StringComparison.Ordinal) || !content.EndsWith(')'))
            throw new JsonPathException($"invalid filter [{content}]: expected [?(…)]");
        if (++_depth > MaxNesting)
            throw new JsonPathException($"filters are nested more than {MaxNesting} deep");
        var body = content[2..^1].Trim();
        foreach (var op in (string[])["==", "!=", "<=", ">=", "<", ">"])
        {
            var at = IndexOutsideQuotes(body, op);
            if (at < 0)
                continue;
            var left = Path(body[..at].Trim(), 0);
            var right = Operand(body[(at + op.Length)..].Trim());
            _depth--;
            return new FilterStep(new Condition(left, op, right));
        }
        var exists = Path(body, 0);
        _depth--;
        return new FilterStep(new Condition(exists, null, null));
    }

    private Operand Operand(string text)
    {
        if (text.Length == 0)
            throw new JsonPathException("a comparison without a right side");
        if (text[0] is '@' or '$' or '.')
            return new PathOperand(Path(text, 0));
        if (text[0] is '"' or '\'')
        {
            var (value, next) = Quoted(text, 0);
            if (next != text.Length)
                throw Unexpected(text, next);
            return new LiteralOperand(JsonSerializer.SerializeToElement(value, JsonPathJsonContext.Default.String));
        }
        try
        {
            using var document = JsonDocument.Parse(text);
            return new LiteralOperand(document.RootElement.Clone());
        }
        catch (JsonException)
        {
            throw new JsonPathException($"unrecognized literal {text} in a filter");
        }
    }

    /// <summary>A quoted literal starting at <paramref name="start"/> with Go's escapes; returns its text and the index after it.</summary>
    private static (string Text, int Next) Quoted(string text, int start)
    {
        var quote = text[start];
        var value = new StringBuilder();
        for (var i = start + 1; i < text.Length; i++)
        {
            var c = text[i];
            if (c == quote)
                return (value.ToString(), i + 1);
            if (c != '\\' || i + 1 >= text.Length)
            {
                value.Append(c);
                continue;
            }
            i++;
            value.Append(text[i] switch
            {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                '0' => '\0',
                _ => text[i],
            });
        }
        throw new JsonPathException($"unterminated quoted string at column {start}");
    }

    private static List<string> SplitOutsideQuotes(string text, char separator)
    {
        var pieces = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] is '"' or '\'')
                i = Quoted(text, i).Next - 1;
            else if (text[i] == separator)
            {
                pieces.Add(text[start..i].Trim());
                start = i + 1;
            }
        }
        pieces.Add(text[start..].Trim());
        return pieces;
    }

    /// <summary>Where <paramref name="token"/> first occurs outside quotes and brackets (a nested filter has its own operators).</summary>
    private static int IndexOutsideQuotes(string text, string token)
    {
        var depth = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] is '"' or '\'')
                i = Quoted(text, i).Next - 1;
            else if (text[i] is '[' or '(')
                depth++;
            else if (text[i] is ']' or ')')
                depth--;
            else if (depth == 0 && string.CompareOrdinal(text, i, token, 0, token.Length) == 0)
                return i;
        }
        return -1;
    }

    private static JsonPathException Unexpected(string text, int at) =>
        at < text.Length
            ? new JsonPathException($"unrecognized character '{text[at]}' at column {at} of \"{text}\"")
            : new JsonPathException($"unexpected end of \"{text}\"");
}
