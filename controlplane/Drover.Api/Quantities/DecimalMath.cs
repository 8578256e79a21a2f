using System.Numerics;

namespace Drover.Api;

/// <summary>Exact integer helpers for the scaled-integer representation of <see cref="Quantity"/>.</summary>
internal static class DecimalMath
{
    // Covers every alignment between suffixes n..E (27 places) plus headroom, so ordinary
    // arithmetic never calls BigInteger.Pow.
    private static readonly BigInteger[] s_powersOfTen = BuildPowers(40);

    private static BigInteger[] BuildPowers(int count)
    {
        var powers = new BigInteger[count];
        powers[0] = BigInteger.One;
        for (int i = 1; i < count; i++)
        {
            powers[i] = powers[i - 1] * 10;
        }

        return powers;
    }

    public static BigInteger Pow10(long exponent)
    {
        if (exponent < s_powersOfTen.Length)
        {
            return s_powersOfTen[exponent];
        }

        return BigInteger.Pow(10, checked((int)exponent));
    }

    /// <summary>Divides by 10^places, rounding away from zero (k8s rounds requests up, never to nothing).</summary>
    public static BigInteger DivideAwayFromZero(BigInteger value, long places)
    {
        // Zero first: "0.0000000000000000000" (zero below nano) asked Pow10 for a negative power (found by bench/fuzz).
        if (value.IsZero)
        {
            return value;
        }

        if (places <= 0)
        {
            return value * Pow10(-places);
        }

        // 10^places > 2^places >= 2^bitLength > |value|: the quotient is below one, so it rounds to one.
        if (places > BigInteger.Abs(value).GetBitLength())
        {
            return value.Sign;
        }

        BigInteger quotient = BigInteger.DivRem(value, Pow10(places), out BigInteger remainder);
        return remainder.IsZero ? quotient : quotient + value.Sign;
    }

    /// <summary>Moves trailing decimal zeros of the mantissa into the exponent.</summary>
    public static void RemoveTrailingZeros(ref BigInteger mantissa, ref long exponent)
    {
        if (mantissa.IsZero)
        {
            exponent = 0;
            return;
        }

        // Strip in large steps first so a long run of zeros does not cost one division each.
        BigInteger big = s_powersOfTen[16];
        while (true)
        {
            BigInteger q = BigInteger.DivRem(mantissa, big, out BigInteger r);
            if (!r.IsZero)
            {
                break;
            }

            mantissa = q;
            exponent += 16;
        }

        while (true)
        {
            BigInteger q = BigInteger.DivRem(mantissa, 10, out BigInteger r);
            if (!r.IsZero)
            {
                break;
            }

            mantissa = q;
            exponent++;
        }
    }

    public static long Saturate(BigInteger value)
    {
        if (value > long.MaxValue)
        {
            return long.MaxValue;
        }

        return value < long.MinValue ? long.MinValue : (long)value;
    }
}
