namespace Drover.Api.Tests;

public class QuantitiesValueTests
{
    // Kubernetes TestMilliNewSet / TestNewSet.
    [Theory]
    [InlineData(1L, QuantityFormat.DecimalSI, "1m")]
    [InlineData(1000L, QuantityFormat.DecimalSI, "1")]
    [InlineData(1234000L, QuantityFormat.DecimalSI, "1234")]
    [InlineData(1024L, QuantityFormat.BinarySI, "1024m")]
    [InlineData(1000000L, QuantityFormat.DecimalExponent, "1e3")]
    [InlineData(1024L * 1024, QuantityFormat.BinarySI, "1048576m")]
    [InlineData(-250L, QuantityFormat.DecimalSI, "-250m")]
    public void FromMilli_Value_FormatsLikeKubernetes(long milli, QuantityFormat format, string expected)
    {
        Quantity quantity = Quantity.FromMilli(milli, format);

        Assert.Equal(expected, quantity.ToString());
        Assert.Equal(milli, quantity.MilliValue);
        Assert.Equal(format, quantity.Format);
    }

    [Theory]
    [InlineData(1L, QuantityFormat.DecimalSI, "1")]
    [InlineData(1000L, QuantityFormat.DecimalSI, "1k")]
    [InlineData(1234000L, QuantityFormat.DecimalSI, "1234k")]
    [InlineData(1024L, QuantityFormat.BinarySI, "1Ki")]
    [InlineData(1000000L, QuantityFormat.DecimalExponent, "1e6")]
    [InlineData(1024L * 1024, QuantityFormat.BinarySI, "1Mi")]
    [InlineData(1023L, QuantityFormat.BinarySI, "1023")]
    [InlineData(long.MaxValue, QuantityFormat.DecimalSI, "9223372036854775807")]
    [InlineData(long.MinValue, QuantityFormat.BinarySI, "-8Ei")]
    public void FromInt64_Value_FormatsLikeKubernetes(long value, QuantityFormat format, string expected)
    {
        Quantity quantity = Quantity.FromInt64(value, format);

        Assert.Equal(expected, quantity.ToString());
        Assert.Equal(value, quantity.Value);
    }

    [Fact]
    public void Equals_DifferentSpellings_ComparesByValue()
    {
        Assert.Equal(Quantity.Parse("1Gi"), Quantity.Parse("1073741824"));
        Assert.True(Quantity.Parse("0.5") == Quantity.Parse("500m"));
        Assert.True(Quantity.Parse("1k") == Quantity.Parse("1e3"));
        Assert.Equal(Quantity.Parse("1Gi").GetHashCode(), Quantity.Parse("1073741824").GetHashCode());
        Assert.True(Quantity.Parse("1") != Quantity.Parse("1001m"));
    }

    [Theory]
    [InlineData("0", "0", 0)]
    [InlineData("100m", "50m", 1)]
    [InlineData("50m", "100m", -1)]
    [InlineData("10000T", "100Gi", 1)]
    [InlineData("-1", "1n", -1)]
    [InlineData("-1", "-2", 1)]
    [InlineData("1Ki", "1k", 1)]
    [InlineData("1e21", "1000E", 0)]
    public void CompareTo_Pair_OrdersByValue(string left, string right, int expected)
    {
        Quantity a = Quantity.Parse(left);
        Quantity b = Quantity.Parse(right);

        Assert.Equal(expected, Math.Sign(a.CompareTo(b)));
        Assert.Equal(-expected, Math.Sign(b.CompareTo(a)));
        Assert.Equal(expected < 0, a < b);
        Assert.Equal(expected >= 0, a >= b);
    }

    [Fact]
    public void Add_ZeroLeft_AdoptsRightFormat()
    {
        Quantity sum = Quantity.Parse("0") + Quantity.Parse("1Gi");

        Assert.Equal("1Gi", sum.ToString());
    }

    [Fact]
    public void Add_ZeroRight_KeepsLeftFormat()
    {
        Assert.Equal("100m", (Quantity.Parse("100m") + Quantity.Parse("0")).ToString());
    }

    [Fact]
    public void Add_MixedFormats_KeepsLeftFormat()
    {
        Assert.Equal("1073741824100m", (Quantity.Parse("100m") + Quantity.Parse("1Gi")).ToString());
        Assert.Equal(QuantityFormat.BinarySI, (Quantity.Parse("1Gi") + Quantity.Parse("1k")).Format);
    }

    [Fact]
    public void Subtract_FromZero_NegatesAndAdoptsFormat()
    {
        Quantity difference = Quantity.Parse("0") - Quantity.Parse("1Gi");

        Assert.Equal("-1Gi", difference.ToString());
    }

    [Fact]
    public void Add_PointOnePlusPointTwo_IsExact()
    {
        Assert.Equal(Quantity.Parse("300m"), Quantity.Parse("0.1") + Quantity.Parse("0.2"));
    }

    [Fact]
    public void Subtract_EqualValues_IsZero()
    {
        Quantity difference = Quantity.Parse("1Gi") - Quantity.Parse("1073741824");

        Assert.True(difference.IsZero);
        Assert.Equal(0, difference.Sign);
        Assert.Equal("0", difference.ToString());
    }

    [Fact]
    public void Add_BeyondEi_WritesMultipleOfEi()
    {
        // Parsing caps binary amounts at int64 max (as Kubernetes does); arithmetic does not.
        Quantity big = Quantity.Parse("4Ei") + Quantity.Parse("4Ei");
        Quantity huge = Quantity.FromScaled(System.Numerics.BigInteger.One << 70, 0, QuantityFormat.BinarySI);

        Assert.Equal("8Ei", big.ToString());
        Assert.Equal("1024Ei", huge.ToString());
        Assert.Equal(Quantity.Parse("9223372036854775807"), Quantity.Parse("8Ei"));
    }

    [Fact]
    public void Default_Uninitialized_IsZero()
    {
        Quantity quantity = default;

        Assert.True(quantity.IsZero);
        Assert.Equal("0", quantity.ToString());
        Assert.Equal(0, quantity.Value);
        Assert.Equal(Quantity.Zero, quantity);
    }

    [Fact]
    public void TryFormat_SmallBuffer_ReturnsFalse()
    {
        Quantity quantity = Quantity.Parse("1536Mi");

        Assert.False(quantity.TryFormat(new char[3], out _));
        Span<char> buffer = stackalloc char[6];
        Assert.True(quantity.TryFormat(buffer, out int written));
        Assert.Equal("1536Mi", buffer[..written].ToString());
    }

    [Fact]
    public void ToString_InterpolatedString_UsesCanonicalForm()
    {
        Quantity quantity = Quantity.Parse("0.5");

        Assert.Equal("cpu=500m", $"cpu={quantity}");
    }

    [Fact]
    public void ToString_HugeValue_FallsBackToHeapBuffer()
    {
        string digits = "1" + new string('7', 200);

        Assert.Equal(digits, Quantity.Parse(digits).ToString());
    }
}
