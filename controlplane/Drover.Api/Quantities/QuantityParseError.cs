namespace Drover.Api;

internal enum QuantityParseError
{
    None,

    /// <summary>Does not match the quantity grammar at all.</summary>
    Format,

    /// <summary>Matches the grammar, but the suffix is not a known one.</summary>
    Suffix,

    /// <summary>Decimal exponent beyond what we are willing to materialise.</summary>
    OutOfRange,
}
