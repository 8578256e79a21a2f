using CsCheck;

namespace Drover.Api.Tests;

public class QuantitiesPropertyTests
{
    // Decimal formats: any long mantissa at any exponent from nano to 10^30.
    private static readonly Gen<Quantity> s_decimal = Gen.Select(
        Gen.Long,
        Gen.Int[Quantity.NanoExponent, 30],
        Gen.OneOf(QuantityFormat.DecimalSI, QuantityFormat.DecimalExponent),
        (mantissa, exponent, format) => Quantity.FromScaled(mantissa, exponent, format));

    // Binary: Kubernetes caps parsed BinarySI at int64 max, so keep magnitudes below it; half the
    // cases are multiples of powers of 1024 so every binary suffix is exercised.
    private static readonly Gen<Quantity> s_binary = Gen.OneOf(
        Gen.Select(
            Gen.Long[-long.MaxValue, long.MaxValue],
            Gen.Int[Quantity.NanoExponent, 0],
            (mantissa, exponent) => Quantity.FromScaled(mantissa, exponent, QuantityFormat.BinarySI)),
        Gen.Select(
            Gen.Long[-8191, 8191],
            Gen.Int[0, 5],
            (mantissa, power) => Quantity.FromInt64(mantissa << (10 * power), QuantityFormat.BinarySI)));

    private static readonly Gen<Quantity> s_any = Gen.OneOf(s_decimal, s_binary);

    [Fact]
    public void Parse_FormattedQuantity_RoundTrips()
    {
        s_any.Sample(q => Quantity.Parse(q.ToString()) == q);
    }

    [Fact]
    public void ToString_Reparsed_IsIdempotent()
    {
        s_any.Sample(q =>
        {
            string once = q.ToString();
            return Quantity.Parse(once).ToString() == once;
        });
    }

    [Fact]
    public void AddThenSubtract_AnyPair_ReturnsOriginal()
    {
        Gen.Select(s_any, s_any).Sample((a, b) => a + b - b == a);
    }

    [Fact]
    public void Add_AnyPair_IsCommutativeInValue()
    {
        Gen.Select(s_any, s_any).Sample((a, b) => a + b == b + a);
    }

    [Fact]
    public void CompareTo_AnyPair_ConsistentWithMilliValue()
    {
        Gen.Select(s_any, s_any).Sample((a, b) =>
        {
            int order = a.CompareTo(b);
            bool monotone = order > 0 ? a.MilliValue >= b.MilliValue : order < 0 ? a.MilliValue <= b.MilliValue : a.MilliValue == b.MilliValue;
            bool milliDecides = a.MilliValue.CompareTo(b.MilliValue) is var m && (m == 0 || Math.Sign(m) == Math.Sign(order));
            return monotone && milliDecides && Math.Sign(order) == -Math.Sign(b.CompareTo(a));
        });
    }

    [Fact]
    public void CompareTo_SignOfDifference_MatchesOrder()
    {
        Gen.Select(s_any, s_any).Sample((a, b) => Math.Sign(a.CompareTo(b)) == (a - b).Sign);
    }

    [Fact]
    public void MilliValue_MilliQuantity_RoundTrips()
    {
        Gen.Long.Sample(milli => Quantity.FromMilli(milli).MilliValue == milli
            && Quantity.Parse(Quantity.FromMilli(milli).ToString()).MilliValue == milli);
    }
}
