namespace Drover.Api;

/// <summary>
/// Lexer for the <c>kubectl -l</c> selector syntax. Like the Kubernetes lexer, an identifier is any
/// run of characters that is neither whitespace nor one of <c>=!(),&lt;&gt;</c>; whether it is a valid
/// key or value is decided later, so errors can name the whole word.
/// </summary>
internal ref struct SelectorLexer
{
    private readonly ReadOnlySpan<char> _text;
    private int _position;

    public SelectorLexer(ReadOnlySpan<char> text)
    {
        _text = text;
        _position = 0;
    }

    /// <summary>
    /// Reads the next token. <paramref name="keywords"/> is false where only a value can appear, so
    /// <c>in</c> and <c>notin</c> are ordinary identifiers there (a label may be called "in").
    /// </summary>
    public SelectorToken Next(bool keywords)
    {
        while (_position < _text.Length && IsWhitespace(_text[_position]))
        {
            _position++;
        }

        int start = _position;
        if (start >= _text.Length)
        {
            return new SelectorToken(SelectorTokenKind.End, start, 0);
        }

        char c = _text[start];
        if (IsSpecial(c))
        {
            bool doubled = start + 1 < _text.Length && _text[start + 1] == '=' && c is '=' or '!';
            _position += doubled ? 2 : 1;
            SelectorTokenKind kind = (c, doubled) switch
            {
                ('=', true) => SelectorTokenKind.DoubleEquals,
                ('!', true) => SelectorTokenKind.NotEquals,
                ('=', false) => SelectorTokenKind.Equals,
                ('!', false) => SelectorTokenKind.Bang,
                ('(', _) => SelectorTokenKind.OpenParen,
                (')', _) => SelectorTokenKind.CloseParen,
                (',', _) => SelectorTokenKind.Comma,
                ('>', _) => SelectorTokenKind.GreaterThan,
                _ => SelectorTokenKind.LessThan,
            };
            return new SelectorToken(kind, start, _position - start);
        }

        while (_position < _text.Length && !IsWhitespace(_text[_position]) && !IsSpecial(_text[_position]))
        {
            _position++;
        }

        ReadOnlySpan<char> word = _text[start.._position];
        SelectorTokenKind wordKind = !keywords ? SelectorTokenKind.Identifier
            : word.SequenceEqual("in") ? SelectorTokenKind.In
            : word.SequenceEqual("notin") ? SelectorTokenKind.NotIn
            : SelectorTokenKind.Identifier;
        return new SelectorToken(wordKind, start, _position - start);
    }

    /// <summary>Reads the next token without consuming it.</summary>
    public readonly SelectorToken Peek(bool keywords)
    {
        SelectorLexer copy = this;
        return copy.Next(keywords);
    }

    private static bool IsWhitespace(char c) => c is ' ' or '\t' or '\r' or '\n';

    private static bool IsSpecial(char c) => c is '=' or '!' or '(' or ')' or ',' or '>' or '<';
}
