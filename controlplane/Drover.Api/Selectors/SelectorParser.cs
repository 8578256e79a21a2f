namespace Drover.Api;

/// <summary>
/// Recursive-descent parser for selector strings, following the Kubernetes grammar
/// (k8s.io/apimachinery/pkg/labels): <c>requirement (',' requirement)*</c>, where a requirement is
/// <c>[!]key</c>, <c>key (=|==|!=|&gt;|&lt;) value</c> or <c>key (in|notin) (v1,v2)</c>.
/// </summary>
internal ref struct SelectorParser
{
    private readonly string _text;
    private SelectorLexer _lexer;

    public SelectorParser(string text)
    {
        _text = text;
        _lexer = new SelectorLexer(text);
    }

    public List<SelectorRequirement> Parse()
    {
        var requirements = new List<SelectorRequirement>();
        while (true)
        {
            SelectorToken next = _lexer.Peek(keywords: false);
            switch (next.Kind)
            {
                case SelectorTokenKind.End:
                    return requirements;
                case SelectorTokenKind.Identifier:
                case SelectorTokenKind.Bang:
                    requirements.Add(ParseRequirement());
                    SelectorToken separator = _lexer.Next(keywords: false);
                    if (separator.Kind == SelectorTokenKind.End)
                    {
                        return requirements;
                    }

                    if (separator.Kind != SelectorTokenKind.Comma)
                    {
                        throw Error(separator, "',' or end of string");
                    }

                    SelectorToken afterComma = _lexer.Peek(keywords: false);
                    if (afterComma.Kind is not (SelectorTokenKind.Identifier or SelectorTokenKind.Bang))
                    {
                        throw Error(afterComma, "identifier after ','");
                    }

                    break;
                default:
                    throw Error(next, "'!', identifier, or end of string");
            }
        }
    }

    private SelectorRequirement ParseRequirement()
    {
        SelectorToken token = _lexer.Next(keywords: false);
        bool negated = token.Kind == SelectorTokenKind.Bang;
        if (negated)
        {
            token = _lexer.Next(keywords: false);
        }

        if (token.Kind != SelectorTokenKind.Identifier)
        {
            throw Error(token, "identifier");
        }

        string key = Text(token);
        SelectorToken after = _lexer.Peek(keywords: true);
        if (negated)
        {
            // "!key" takes no operator; anything else here is reported by the caller as a bad separator.
            return Create(token, key, SelectorOperator.DoesNotExist, []);
        }

        if (after.Kind is SelectorTokenKind.End or SelectorTokenKind.Comma)
        {
            return Create(token, key, SelectorOperator.Exists, []);
        }

        SelectorToken op = _lexer.Next(keywords: true);
        SelectorOperator selectorOperator = op.Kind switch
        {
            SelectorTokenKind.Equals or SelectorTokenKind.DoubleEquals => SelectorOperator.Equals,
            SelectorTokenKind.NotEquals => SelectorOperator.NotEquals,
            SelectorTokenKind.GreaterThan => SelectorOperator.GreaterThan,
            SelectorTokenKind.LessThan => SelectorOperator.LessThan,
            SelectorTokenKind.In => SelectorOperator.In,
            SelectorTokenKind.NotIn => SelectorOperator.NotIn,
            _ => throw Error(op, "one of '=', '==', '!=', '>', '<', 'in', 'notin'"),
        };
        List<string> values = selectorOperator is SelectorOperator.In or SelectorOperator.NotIn
            ? ParseValueList()
            : [ParseExactValue()];
        return Create(token, key, selectorOperator, values);
    }

    private string ParseExactValue()
    {
        // "key=" selects the empty value, as in Kubernetes.
        SelectorToken next = _lexer.Peek(keywords: false);
        if (next.Kind is SelectorTokenKind.End or SelectorTokenKind.Comma)
        {
            return "";
        }

        SelectorToken value = _lexer.Next(keywords: false);
        if (value.Kind != SelectorTokenKind.Identifier)
        {
            throw Error(value, "identifier");
        }

        return Text(value);
    }

    private List<string> ParseValueList()
    {
        SelectorToken open = _lexer.Next(keywords: false);
        if (open.Kind != SelectorTokenKind.OpenParen)
        {
            throw Error(open, "'('");
        }

        // Empty slots, as in "()", "(,a)" or "(a,)", stand for the empty value, as in Kubernetes.
        var values = new List<string>();
        bool expectValue = true;
        while (true)
        {
            SelectorToken token = _lexer.Next(keywords: false);
            switch (token.Kind)
            {
                case SelectorTokenKind.Identifier when expectValue:
                    values.Add(Text(token));
                    expectValue = false;
                    break;
                case SelectorTokenKind.Comma:
                    if (expectValue)
                    {
                        values.Add("");
                    }

                    expectValue = true;
                    break;
                case SelectorTokenKind.CloseParen:
                    if (expectValue)
                    {
                        values.Add("");
                    }

                    return values;
                default:
                    throw Error(token, expectValue ? "',', ')' or identifier" : "',' or ')'");
            }
        }
    }

    private readonly SelectorRequirement Create(
        SelectorToken keyToken, string key, SelectorOperator op, List<string> values)
    {
        SelectorRequirement? requirement = SelectorRequirement.Create(key, op, values, out _, out string? error);
        return requirement ?? throw new FormatException(
            $"unable to parse label selector \"{_text}\": requirement at position {keyToken.Start}: {error}");
    }

    private readonly string Text(SelectorToken token) => _text.Substring(token.Start, token.Length);

    private readonly FormatException Error(SelectorToken token, string expected)
    {
        string found = token.Kind == SelectorTokenKind.End ? "end of string" : $"'{Text(token)}'";
        return new FormatException(
            $"unable to parse label selector \"{_text}\": found {found} at position {token.Start}, expected {expected}");
    }
}
