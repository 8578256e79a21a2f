using System.Globalization;
using System.Numerics;

namespace Drover.Api;

/// <summary>Writes the canonical Kubernetes spelling (CanonicalizeBytes) of a <see cref="Quantity"/>.</summary>
internal static class QuantityFormatter
{
    private static readonly BigInteger s_binaryThreshold = 1024;

    /// <summary>An upper bound on the formatted length, for buffers too large to stackalloc.</summary>
    public static int MaxLength(in Quantity value)
    {
        // log10(2) < 1/3, so bitLength/3 + 1 digits always suffice; the rest covers sign, the zeros
        // added to reach a multiple of three, the exponent's digits and any suffix.
        long digits = (BigInteger.Abs(value.Mantissa).GetBitLength() / 3) + 1 + Math.Max(value.Exponent, 0);
        return checked((int)digits + 24);
    }

    public static bool TryFormat(in Quantity value, Span<char> destination, out int written)
    {
        written = 0;
        if (value.IsZero)
        {
            return Append(destination, ref written, "0");
        }

        QuantityFormat format = value.Format;
        BigInteger integer = default;
        if (format == QuantityFormat.BinarySI)
        {
            // Fractions and small magnitudes cannot be written with a binary suffix without
            // rounding, and Kubernetes never rounds on output: fall back to decimal.
            if (value.Exponent < 0)
            {
                format = QuantityFormat.DecimalSI;
            }
            else
            {
                integer = value.Mantissa * DecimalMath.Pow10(value.Exponent);
                if (BigInteger.Abs(integer) < s_binaryThreshold)
                {
                    format = QuantityFormat.DecimalSI;
                }
            }
        }

        if (format == QuantityFormat.BinarySI)
        {
            return TryFormatBinary(integer, destination, ref written);
        }

        BigInteger mantissa = value.Mantissa;
        int exponent = value.Exponent;

        // SI suffixes step by 10^3, so push the exponent down to a multiple of three.
        switch (exponent % 3)
        {
            case 1:
            case -2:
                mantissa *= 10;
                exponent -= 1;
                break;
            case 2:
            case -1:
                mantissa *= 100;
                exponent -= 2;
                break;
        }

        if (!AppendInteger(destination, ref written, mantissa))
        {
            return false;
        }

        if (format == QuantityFormat.DecimalSI && DecimalSuffix(exponent) is { } suffix)
        {
            return Append(destination, ref written, suffix);
        }

        // DecimalExponent, or DecimalSI beyond "E"/below "n" where no suffix exists: Kubernetes
        // falls back to exponent notation rather than silently dropping the magnitude.
        if (exponent == 0)
        {
            return true;
        }

        return Append(destination, ref written, "e")
            && exponent.TryFormat(destination[written..], out int exponentLength, default, CultureInfo.InvariantCulture)
            && Advance(ref written, exponentLength);
    }

    private static bool TryFormatBinary(BigInteger integer, Span<char> destination, ref int written)
    {
        int power = 0;

        // Stop at Ei: beyond it there is no suffix, so larger values are written as a multiple of Ei.
        while (power < 6 && (integer & 1023).IsZero)
        {
            integer >>= 10;
            power++;
        }

        string suffix = power switch
        {
            0 => "",
            1 => "Ki",
            2 => "Mi",
            3 => "Gi",
            4 => "Ti",
            5 => "Pi",
            _ => "Ei",
        };
        return AppendInteger(destination, ref written, integer) && Append(destination, ref written, suffix);
    }

    private static string? DecimalSuffix(int exponent) => exponent switch
    {
        -9 => "n",
        -6 => "u",
        -3 => "m",
        0 => "",
        3 => "k",
        6 => "M",
        9 => "G",
        12 => "T",
        15 => "P",
        18 => "E",
        _ => null,
    };

    private static bool AppendInteger(Span<char> destination, ref int written, BigInteger value)
    {
        int length;
        bool ok = value >= long.MinValue && value <= long.MaxValue
            ? ((long)value).TryFormat(destination[written..], out length, default, CultureInfo.InvariantCulture)
            : value.TryFormat(destination[written..], out length, default, CultureInfo.InvariantCulture);
        return ok && Advance(ref written, length);
    }

    private static bool Append(Span<char> destination, ref int written, string text)
    {
        if (!text.AsSpan().TryCopyTo(destination[written..]))
        {
            return false;
        }

        written += text.Length;
        return true;
    }

    private static bool Advance(ref int written, int length)
    {
        written += length;
        return true;
    }
}
