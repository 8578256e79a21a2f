namespace Drover.Api;

/// <summary>A token as a slice of the input, so lexing allocates nothing.</summary>
internal readonly record struct SelectorToken(SelectorTokenKind Kind, int Start, int Length);
