namespace Drover.Api;

internal enum SelectorTokenKind
{
    End,
    Identifier,
    Comma,
    OpenParen,
    CloseParen,
    Equals,
    DoubleEquals,
    NotEquals,

    /// <summary>A leading <c>!</c>.</summary>
    Bang,
    GreaterThan,
    LessThan,
    In,
    NotIn,
}
