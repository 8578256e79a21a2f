namespace Drover.Api;

/// <summary>How a <see cref="Quantity"/> is written back out; chosen by the suffix it was parsed with.</summary>
public enum QuantityFormat
{
    /// <summary>e.g. <c>12e6</c>.</summary>
    DecimalExponent,

    /// <summary>e.g. <c>12Mi</c> (12 * 2^20).</summary>
    BinarySI,

    /// <summary>e.g. <c>12M</c> (12 * 10^6).</summary>
    DecimalSI,
}
