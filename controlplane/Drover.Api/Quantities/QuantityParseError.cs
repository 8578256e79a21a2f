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

    /// <summary>
    /// An amount beyond 2^63-1 in its base unit, which Kubernetes saturates silently (<c>9999Ei</c> read as
    /// 2^63-1 bytes); refused where an API object is decoded, so nobody gets a limit other than the one written.
    /// </summary>
    TooLarge,

    /// <summary>Longer than <see cref="QuantityParser.MaxLength"/> characters (digits cost quadratic time to read).</summary>
    TooLong,
}
