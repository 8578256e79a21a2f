using System.Globalization;
using System.Numerics;

namespace Drover.Api;

/// <summary>
/// Scanner for the Kubernetes quantity grammar <c>^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$</c>,
/// followed by the suffix table. Hand-written over a span: quantities are parsed for every
/// container of every pod the scheduler looks at, so no regex and no intermediate strings.
/// </summary>
internal static class QuantityParser
{
    internal const string Grammar = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";

    /// <summary>
    /// Kubernetes lets an exponent reach int32 range, which would make any later arithmetic build a
    /// number with billions of digits. No real resource needs more than 10^1000.
    /// </summary>
    internal const int MaxExponent = 1000;

    /// <summary>
    /// The longest quantity read. Kubernetes sets none, but the digits of a 2 MB string would cost seconds of
    /// big-integer arithmetic; no real amount needs more than a few dozen characters.
    /// </summary>
    internal const int MaxLength = 256;

    private static readonly Quantity s_maxInt64 = Quantity.FromInt64(long.MaxValue, QuantityFormat.BinarySI);
    private static readonly Quantity s_one = Quantity.FromInt64(1, QuantityFormat.DecimalSI);

    public static string Describe(ReadOnlySpan<char> text, QuantityParseError error)
    {
        string detail = error switch
        {
            QuantityParseError.Suffix =>
                "unable to parse quantity's suffix (expected one of n, u, m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei " +
                "or an exponent such as e3, E-3)",
            QuantityParseError.OutOfRange => $"the decimal exponent must be at most {MaxExponent}",
            QuantityParseError.TooLong => $"a quantity may be at most {MaxLength} characters long",
            QuantityParseError.TooLarge => "the amount must be at most 9223372036854775807 (2^63-1) in its base unit (for memory: less than 8Ei)",
            _ => $"quantities must match the regular expression '{Grammar}'",
        };
        var shown = text.Length <= 64 ? text.ToString() : string.Concat(text[..64], "…");
        return $"quantity \"{shown}\" is invalid: {detail}";
    }

    /// <param name="refuseSaturation">
    /// Refuse (<see cref="QuantityParseError.TooLarge"/>) an amount beyond 2^63-1 instead of saturating it as
    /// Kubernetes does: the API's decoder asks for this.
    /// </param>
    public static QuantityParseError TryParse(ReadOnlySpan<char> text, out Quantity value, bool refuseSaturation = false)
    {
        value = default;
        if (text.Length > MaxLength)
        {
            return QuantityParseError.TooLong;
        }

        int pos = 0;
        int end = text.Length;
        bool negative = false;
        if (pos < end && (text[pos] == '-' || text[pos] == '+'))
        {
            negative = text[pos] == '-';
            pos++;
        }

        int start = pos;
        pos = SkipDigits(text, pos);
        ReadOnlySpan<char> whole = text[start..pos];
        ReadOnlySpan<char> fraction = default;
        if (pos < end && text[pos] == '.')
        {
            start = ++pos;
            pos = SkipDigits(text, pos);
            fraction = text[start..pos];
        }

        // Deliberately stricter than Kubernetes, whose scanner reads "", "-", "." and a bare "Mi" as
        // zero: a quantity with no digit at all is a typo, not a request for nothing.
        if (whole.IsEmpty && fraction.IsEmpty)
        {
            return QuantityParseError.Format;
        }

        int suffixStart = pos;
        while (pos < end && "eEinumkKMGTP".Contains(text[pos]))
        {
            pos++;
        }

        if (pos < end && (text[pos] == '-' || text[pos] == '+'))
        {
            pos++;
        }

        pos = SkipDigits(text, pos);
        if (pos != end)
        {
            return QuantityParseError.Format;
        }

        QuantityParseError suffixError = InterpretSuffix(
            text[suffixStart..], out int radix, out long exponent, out QuantityFormat format);
        if (suffixError != QuantityParseError.None)
        {
            return suffixError;
        }

        BigInteger unscaled = ParseDigits(whole, fraction);
        if (negative)
        {
            unscaled = -unscaled;
        }

        long scale = -(long)fraction.Length;
        if (radix == 2)
        {
            unscaled <<= (int)exponent;
        }
        else
        {
            scale += exponent;
        }

        // Trailing-zero removal only raises the exponent, so this bound is safe to check early and
        // keeps FromScaled from ever seeing an exponent outside int range.
        if (scale > MaxExponent)
        {
            return QuantityParseError.OutOfRange;
        }

        Quantity parsed = Quantity.FromScaled(unscaled, scale, format);
        if (parsed.Exponent > MaxExponent)
        {
            return QuantityParseError.OutOfRange;
        }

        if (refuseSaturation && !parsed.IsZero && new Quantity(BigInteger.Abs(parsed.Mantissa), parsed.Exponent, parsed.Format) > s_maxInt64)
        {
            return QuantityParseError.TooLarge;
        }

        value = ApplyBinaryRules(parsed);
        return QuantityParseError.None;
    }

    /// <summary>
    /// Kubernetes caps binary quantities at int64 max, and shows a binary amount below one as
    /// decimal because "0.5Ki" style output would be nonsense.
    /// </summary>
    private static Quantity ApplyBinaryRules(Quantity parsed)
    {
        if (parsed.Format != QuantityFormat.BinarySI || parsed.IsZero)
        {
            return parsed;
        }

        var magnitude = new Quantity(BigInteger.Abs(parsed.Mantissa), parsed.Exponent, parsed.Format);
        if (magnitude > s_maxInt64)
        {
            return parsed.Sign < 0 ? -s_maxInt64 : s_maxInt64;
        }

        if (magnitude < s_one)
        {
            return new Quantity(parsed.Mantissa, parsed.Exponent, QuantityFormat.DecimalSI);
        }

        return parsed;
    }

    private static int SkipDigits(ReadOnlySpan<char> text, int pos)
    {
        while (pos < text.Length && char.IsAsciiDigit(text[pos]))
        {
            pos++;
        }

        return pos;
    }

    private static BigInteger ParseDigits(ReadOnlySpan<char> whole, ReadOnlySpan<char> fraction)
    {
        // 18 digits always fit a long; that covers every quantity a person writes by hand.
        if (whole.Length + fraction.Length <= 18)
        {
            long result = 0;
            foreach (char c in whole)
            {
                result = (result * 10) + (c - '0');
            }

            foreach (char c in fraction)
            {
                result = (result * 10) + (c - '0');
            }

            return result;
        }

        BigInteger wholePart = whole.IsEmpty
            ? BigInteger.Zero
            : BigInteger.Parse(whole, NumberStyles.None, CultureInfo.InvariantCulture);
        BigInteger fractionPart = fraction.IsEmpty
            ? BigInteger.Zero
            : BigInteger.Parse(fraction, NumberStyles.None, CultureInfo.InvariantCulture);
        return (wholePart * DecimalMath.Pow10(fraction.Length)) + fractionPart;
    }

    private static QuantityParseError InterpretSuffix(
        ReadOnlySpan<char> suffix, out int radix, out long exponent, out QuantityFormat format)
    {
        radix = 10;
        format = QuantityFormat.DecimalSI;
        exponent = suffix switch
        {
            "" => 0,
            "n" => -9,
            "u" => -6,
            "m" => -3,
            "k" => 3,
            "M" => 6,
            "G" => 9,
            "T" => 12,
            "P" => 15,
            "E" => 18,
            _ => long.MinValue,
        };
        if (exponent != long.MinValue)
        {
            return QuantityParseError.None;
        }

        format = QuantityFormat.BinarySI;
        radix = 2;
        exponent = suffix switch
        {
            "Ki" => 10,
            "Mi" => 20,
            "Gi" => 30,
            "Ti" => 40,
            "Pi" => 50,
            "Ei" => 60,
            _ => long.MinValue,
        };
        if (exponent != long.MinValue)
        {
            return QuantityParseError.None;
        }

        format = QuantityFormat.DecimalExponent;
        radix = 10;
        exponent = 0;
        if (suffix.Length < 2 || (suffix[0] != 'e' && suffix[0] != 'E'))
        {
            return QuantityParseError.Suffix;
        }

        // Same as Go's strconv.ParseInt: optional sign, ASCII digits, nothing else.
        if (!long.TryParse(suffix[1..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent))
        {
            return SkipDigits(suffix, suffix[1] is '+' or '-' ? 2 : 1) == suffix.Length && suffix.Length > 2
                ? QuantityParseError.OutOfRange
                : QuantityParseError.Suffix;
        }

        return exponent is > int.MaxValue or < int.MinValue ? QuantityParseError.OutOfRange : QuantityParseError.None;
    }
}
