using System.Numerics;
using System.Text.Json.Serialization;

namespace Drover.Api;

/// <summary>
/// An exact fixed-point amount of a resource (CPU, memory, storage) with Kubernetes
/// <c>resource.Quantity</c> semantics: the same grammar, the same rounding to nano units, and the
/// same canonical string form, so manifests written for Kubernetes round-trip unchanged.
/// </summary>
/// <remarks>
/// The value is <c>mantissa * 10^exponent</c> held as a <see cref="BigInteger"/> so that no amount a
/// manifest can spell is ever approximated; floating point would make <c>0.1 + 0.2</c> unequal to
/// <c>300m</c> and break scheduling arithmetic. The pair is kept normalised (no trailing decimal
/// zeros), which makes value equality plain field equality.
/// </remarks>
[JsonConverter(typeof(QuantityJsonConverter))]
public readonly struct Quantity : IEquatable<Quantity>, IComparable<Quantity>, IComparable, ISpanFormattable
{
    /// <summary>Smallest representable step is 10^-9: anything finer is rounded up at parse time.</summary>
    internal const int NanoExponent = -9;

    private readonly BigInteger _mantissa;
    private readonly int _exponent;

    /// <summary>Callers must pass a normalised pair (see <see cref="FromScaled"/>).</summary>
    internal Quantity(BigInteger mantissa, int exponent, QuantityFormat format)
    {
        _mantissa = mantissa;
        _exponent = exponent;
        Format = format;
    }

    /// <summary>Zero in the format Kubernetes gives a parsed <c>"0"</c>.</summary>
    public static Quantity Zero => new(BigInteger.Zero, 0, QuantityFormat.DecimalSI);

    public QuantityFormat Format { get; }

    public bool IsZero => _mantissa.IsZero;

    public int Sign => _mantissa.Sign;

    /// <summary>The value in whole units, rounded away from zero and saturated to the <see cref="long"/> range.</summary>
    public long Value => ScaledValue(0);

    /// <summary>The value in thousandths, rounded away from zero and saturated to the <see cref="long"/> range.</summary>
    public long MilliValue => ScaledValue(-3);

    internal BigInteger Mantissa => _mantissa;

    internal int Exponent => _exponent;

    public static Quantity Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Parse(text.AsSpan());
    }

    public static Quantity Parse(ReadOnlySpan<char> text)
    {
        QuantityParseError error = QuantityParser.TryParse(text, out Quantity value);
        if (error != QuantityParseError.None)
        {
            throw new FormatException(QuantityParser.Describe(text, error));
        }

        return value;
    }

    public static bool TryParse(ReadOnlySpan<char> text, out Quantity value) =>
        QuantityParser.TryParse(text, out value) == QuantityParseError.None;

    public static Quantity FromMilli(long milli, QuantityFormat format = QuantityFormat.DecimalSI) =>
        FromScaled(milli, -3, format);

    public static Quantity FromInt64(long value, QuantityFormat format) => FromScaled(value, 0, format);

    /// <summary>Nano-units, as metrics-server reports cpu (<c>12345678n</c>).</summary>
    public static Quantity FromNano(long nano) => FromScaled(nano, NanoExponent, QuantityFormat.DecimalSI);

    /// <summary>Builds <c>unscaled * 10^scale</c>, rounding below nano away from zero as Kubernetes does.</summary>
    internal static Quantity FromScaled(BigInteger unscaled, long scale, QuantityFormat format)
    {
        if (scale < NanoExponent)
        {
            unscaled = DecimalMath.DivideAwayFromZero(unscaled, NanoExponent - scale);
            scale = NanoExponent;
        }

        DecimalMath.RemoveTrailingZeros(ref unscaled, ref scale);
        return new Quantity(unscaled, checked((int)scale), format);
    }

    /// <summary>The value at 10^<paramref name="exponent"/> units, rounded away from zero, saturated.</summary>
    internal long ScaledValue(int exponent)
    {
        long shift = (long)_exponent - exponent;
        BigInteger scaled = shift >= 0
            ? _mantissa * DecimalMath.Pow10(shift)
            : DecimalMath.DivideAwayFromZero(_mantissa, -shift);
        return DecimalMath.Saturate(scaled);
    }

    public static Quantity operator +(Quantity left, Quantity right)
    {
        // Kubernetes: a zero receiver adopts the other operand's format, so 0 + 1Gi prints as 1Gi.
        QuantityFormat format = left.IsZero ? right.Format : left.Format;
        if (right.IsZero)
        {
            return new Quantity(left._mantissa, left._exponent, format);
        }

        if (left.IsZero)
        {
            return new Quantity(right._mantissa, right._exponent, format);
        }

        Align(left, right, out BigInteger a, out BigInteger b, out int exponent);
        return FromScaled(a + b, exponent, format);
    }

    public static Quantity operator -(Quantity left, Quantity right)
    {
        QuantityFormat format = left.IsZero ? right.Format : left.Format;
        if (right.IsZero)
        {
            return new Quantity(left._mantissa, left._exponent, format);
        }

        Align(left, right, out BigInteger a, out BigInteger b, out int exponent);
        return FromScaled(a - b, exponent, format);
    }

    public static Quantity operator -(Quantity value) => new(-value._mantissa, value._exponent, value.Format);

    public static bool operator ==(Quantity left, Quantity right) => left.Equals(right);

    public static bool operator !=(Quantity left, Quantity right) => !left.Equals(right);

    public static bool operator <(Quantity left, Quantity right) => left.CompareTo(right) < 0;

    public static bool operator >(Quantity left, Quantity right) => left.CompareTo(right) > 0;

    public static bool operator <=(Quantity left, Quantity right) => left.CompareTo(right) <= 0;

    public static bool operator >=(Quantity left, Quantity right) => left.CompareTo(right) >= 0;

    private static void Align(Quantity left, Quantity right, out BigInteger a, out BigInteger b, out int exponent)
    {
        exponent = Math.Min(left._exponent, right._exponent);
        a = left._mantissa * DecimalMath.Pow10((long)left._exponent - exponent);
        b = right._mantissa * DecimalMath.Pow10((long)right._exponent - exponent);
    }

    /// <summary>Numeric equality: the format is presentation only, so <c>1Gi == 1073741824</c>.</summary>
    public bool Equals(Quantity other) => _exponent == other._exponent && _mantissa.Equals(other._mantissa);

    public override bool Equals(object? obj) => obj is Quantity other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_mantissa, _exponent);

    public int CompareTo(Quantity other)
    {
        int sign = Sign;
        if (sign != other.Sign)
        {
            return sign.CompareTo(other.Sign);
        }

        if (sign == 0)
        {
            return 0;
        }

        if (_exponent == other._exponent)
        {
            return _mantissa.CompareTo(other._mantissa);
        }

        Align(this, other, out BigInteger a, out BigInteger b, out _);
        return a.CompareTo(b);
    }

    int IComparable.CompareTo(object? obj) => obj switch
    {
        null => 1,
        Quantity other => CompareTo(other),
        _ => throw new ArgumentException("Object must be a Quantity.", nameof(obj)),
    };

    /// <summary>The canonical Kubernetes spelling, e.g. <c>500m</c>, <c>1536Mi</c>, <c>1e3</c>.</summary>
    public override string ToString()
    {
        Span<char> buffer = stackalloc char[64];
        if (QuantityFormatter.TryFormat(this, buffer, out int written))
        {
            return new string(buffer[..written]);
        }

        char[] large = new char[QuantityFormatter.MaxLength(this)];
        QuantityFormatter.TryFormat(this, large, out written);
        return new string(large, 0, written);
    }

    /// <summary>Format strings and providers are ignored: there is exactly one canonical form.</summary>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    public bool TryFormat(
        Span<char> destination,
        out int charsWritten,
        ReadOnlySpan<char> format = default,
        IFormatProvider? provider = null) =>
        QuantityFormatter.TryFormat(this, destination, out charsWritten);
}
