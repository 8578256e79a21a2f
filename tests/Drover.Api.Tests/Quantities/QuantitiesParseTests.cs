namespace Drover.Api.Tests;

public class QuantitiesParseTests
{
    // Input and canonical output, mostly from Kubernetes quantity_test.go (TestQuantityParse,
    // TestQuantityString, TestQuantityParseEmit) with the canonical strings Kubernetes prints.
    [Theory]
    [InlineData("0", "0")]
    [InlineData("0n", "0")]
    [InlineData("0Ki", "0")]
    [InlineData("0Ti", "0")]
    [InlineData("1", "1")]
    [InlineData("01", "1")]
    [InlineData("+5", "5")]
    [InlineData("1Ki", "1Ki")]
    [InlineData("8Ki", "8Ki")]
    [InlineData("7Mi", "7Mi")]
    [InlineData("6Gi", "6Gi")]
    [InlineData("5Ti", "5Ti")]
    [InlineData("4Pi", "4Pi")]
    [InlineData("3Ei", "3Ei")]
    [InlineData("100Ti", "100Ti")]
    [InlineData("1024Mi", "1Gi")]
    [InlineData("1.5Gi", "1536Mi")]
    [InlineData("-1.5Gi", "-1536Mi")]
    [InlineData("0.5Mi", "512Ki")]
    [InlineData("0.5Ki", "512")]
    [InlineData("1.5Ki", "1536")]
    [InlineData("1.1Ki", "1126400m")]
    [InlineData("100.035Ki", "102435840m")]
    [InlineData("0.05Gi", "53687091200m")]
    [InlineData(".001Ki", "1024m")]
    [InlineData(".000001Ki", "1024u")]
    [InlineData(".000000001Ki", "1024n")]
    [InlineData(".000000000001Ki", "2n")]
    [InlineData("9Ei", "9223372036854775807")]
    [InlineData("5n", "5n")]
    [InlineData("4u", "4u")]
    [InlineData("3m", "3m")]
    [InlineData("250m", "250m")]
    [InlineData("-100m", "-100m")]
    [InlineData("1000m", "1")]
    [InlineData("8k", "8k")]
    [InlineData("50k", "50k")]
    [InlineData("1000", "1k")]
    [InlineData("1500", "1500")]
    [InlineData("1000M", "1G")]
    [InlineData("40T", "40T")]
    [InlineData("300T", "300T")]
    [InlineData("2P", "2P")]
    [InlineData("1E", "1E")]
    [InlineData("12E", "12E")]
    [InlineData("1000E", "1e21")]
    [InlineData("1E-3", "1e-3")]
    [InlineData("1e3", "1e3")]
    [InlineData("1E6", "1e6")]
    [InlineData("1E12", "1e12")]
    [InlineData("1e13", "10e12")]
    [InlineData("1e14", "100e12")]
    [InlineData("1e21", "1e21")]
    [InlineData("1.2e3", "1200")]
    [InlineData("1.3E+6", "1300e3")]
    [InlineData("1.7E18", "1700e15")]
    [InlineData("0.5e0", "500e-3")]
    [InlineData("0.5e-1", "50e-3")]
    [InlineData("100.035k", "100035")]
    [InlineData("0.001", "1m")]
    [InlineData("0.0005k", "500m")]
    [InlineData("0.5", "500m")]
    [InlineData("0.50000", "500m")]
    [InlineData("10.035M", "10035k")]
    [InlineData("9.01", "9010m")]
    [InlineData("8.1k", "8100")]
    [InlineData("7.123456M", "7123456")]
    [InlineData("6.987654321G", "6987654321")]
    [InlineData("5.444T", "5444G")]
    [InlineData("2.5P", "2500T")]
    [InlineData("1.01E", "1010P")]
    [InlineData("3.001n", "4n")]
    [InlineData("1.1E-9", "2e-9")]
    [InlineData("0.0000000001", "1n")]
    [InlineData("0.00000012345", "124n")]
    [InlineData("-0.00000012345", "-124n")]
    [InlineData("1e-100", "1e-9")]
    [InlineData(".001", "1m")]
    [InlineData(".0001k", "100m")]
    [InlineData("1.", "1")]
    [InlineData("1.G", "1G")]
    [InlineData("123456789012345678901234567890", "123456789012345678901234567890")]
    public void Parse_KubernetesExample_FormatsCanonically(string input, string expected)
    {
        Quantity quantity = Quantity.Parse(input);

        Assert.Equal(expected, quantity.ToString());
        Assert.Equal(quantity, Quantity.Parse(expected));
    }

    [Theory]
    [InlineData("1", QuantityFormat.DecimalSI)]
    [InlineData("1k", QuantityFormat.DecimalSI)]
    [InlineData("1Ki", QuantityFormat.BinarySI)]
    [InlineData("0Ki", QuantityFormat.BinarySI)]
    [InlineData("0.5Ki", QuantityFormat.BinarySI)]
    [InlineData("0.000000000001Ki", QuantityFormat.DecimalSI)]
    [InlineData("-0.0001Ki", QuantityFormat.DecimalSI)]
    [InlineData("1e3", QuantityFormat.DecimalExponent)]
    [InlineData("1E-3", QuantityFormat.DecimalExponent)]
    public void Parse_Suffix_SetsFormat(string input, QuantityFormat expected)
    {
        Assert.Equal(expected, Quantity.Parse(input).Format);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("1 Gi")]
    [InlineData("1.1.M")]
    [InlineData("1.2.3")]
    [InlineData("1+1.0M")]
    [InlineData("0.1mi")]
    [InlineData("0.1am")]
    [InlineData("aoeu")]
    [InlineData(".5i")]
    [InlineData("1i")]
    [InlineData("1iGi")]
    [InlineData("-3.01i")]
    [InlineData("-3.01e-")]
    [InlineData("1e")]
    [InlineData("1e1.5")]
    [InlineData("1Ki1")]
    [InlineData("1KiB")]
    [InlineData("1kb")]
    [InlineData("Mi")]
    [InlineData("k")]
    [InlineData("-")]
    [InlineData("+")]
    [InlineData(".")]
    [InlineData("-.")]
    [InlineData("--1")]
    [InlineData("12x")]
    [InlineData("0x10")]
    [InlineData("١")]
    [InlineData("1e1001")]
    [InlineData("1e99999999999999999999")]
    public void Parse_Invalid_ThrowsFormatExceptionNamingValue(string input)
    {
        FormatException exception = Assert.Throws<FormatException>(() => Quantity.Parse(input));

        Assert.StartsWith($"quantity \"{input}\" is invalid: ", exception.Message);
        Assert.False(Quantity.TryParse(input, out _));
    }

    [Fact]
    public void Parse_GrammarError_MessageCarriesKubernetesRegex()
    {
        FormatException exception = Assert.Throws<FormatException>(() => Quantity.Parse("12x"));

        Assert.Equal(
            "quantity \"12x\" is invalid: quantities must match the regular expression " +
            "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
            exception.Message);
    }

    [Fact]
    public void Parse_UnknownSuffix_MessageListsSuffixes()
    {
        FormatException exception = Assert.Throws<FormatException>(() => Quantity.Parse("1iGi"));

        Assert.Contains("suffix", exception.Message);
        Assert.Contains("Ki", exception.Message);
    }

    [Fact]
    public void Parse_Null_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => Quantity.Parse((string)null!));
    }

    [Fact]
    public void TryParse_Valid_ReturnsValue()
    {
        Assert.True(Quantity.TryParse("250m", out Quantity value));
        Assert.Equal(250, value.MilliValue);
    }

    [Theory]
    [InlineData("1Gi", 1073741824L, 1073741824000L)]
    [InlineData("250m", 1L, 250L)]
    [InlineData("1.5", 2L, 1500L)]
    [InlineData("-1.5", -2L, -1500L)]
    [InlineData("1n", 1L, 1L)]
    [InlineData("-1n", -1L, -1L)]
    [InlineData("100u", 1L, 1L)]
    [InlineData("0", 0L, 0L)]
    [InlineData("9Ei", long.MaxValue, long.MaxValue)]
    [InlineData("100E", long.MaxValue, long.MaxValue)]
    [InlineData("-100E", long.MinValue, long.MinValue)]
    public void Value_Parsed_RoundsAwayFromZeroAndSaturates(string input, long value, long milli)
    {
        Quantity quantity = Quantity.Parse(input);

        Assert.Equal(value, quantity.Value);
        Assert.Equal(milli, quantity.MilliValue);
    }

    [Theory]
    [InlineData("0.0000000000000000000")]
    [InlineData(".00000000000000000000")]
    [InlineData("-.00000000000000000000")]
    [InlineData("0.0000000000")]
    public void Parse_ZeroWithDigitsBelowNano_IsZero(string input)
    {
        // Found by bench/fuzz (target quantity): a NullReferenceException, a 500 for any body carrying it.
        Assert.True(Quantity.Parse(input).IsZero);
    }
}
