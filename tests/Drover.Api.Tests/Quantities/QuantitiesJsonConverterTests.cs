using System.Text.Json;

namespace Drover.Api.Tests;

public class QuantitiesJsonConverterTests
{
    private static QuantityHolder Read(string json) =>
        JsonSerializer.Deserialize(json, QuantityJsonContext.Default.QuantityHolder)!;

    [Theory]
    [InlineData("""{"cpu":"250m"}""", "250m")]
    [InlineData("""{"cpu":"1.5Gi"}""", "1536Mi")]
    [InlineData("""{"cpu":0.5}""", "500m")]
    [InlineData("""{"cpu":0.1}""", "100m")]
    [InlineData("""{"cpu":2}""", "2")]
    [InlineData("""{"cpu":-1}""", "-1")]
    [InlineData("""{"cpu":1e3}""", "1e3")]
    [InlineData("""{"cpu":1E+3}""", "1e3")]
    [InlineData("""{"cpu":" 1"}""", "1")]
    [InlineData("""{"cpu":"1 "}""", "1")]
    [InlineData("""{"cpu":"\u0031Ki"}""", "1Ki")]
    public void Read_StringOrNumber_ParsesExactly(string json, string expected)
    {
        Assert.Equal(expected, Read(json).Cpu.ToString());
    }

    [Fact]
    public void Read_Invalid_ThrowsJsonExceptionWithQuantityMessage()
    {
        JsonException exception = Assert.Throws<JsonException>(() => Read("""{"cpu":"12x"}"""));

        Assert.Contains("quantity \"12x\" is invalid", exception.Message);
        Assert.Contains("quantities must match the regular expression", exception.Message);
        Assert.Equal("$.cpu", exception.Path);
    }

    [Fact]
    public void Read_WrongToken_ThrowsJsonException()
    {
        Assert.Throws<JsonException>(() => Read("""{"cpu":true}"""));
    }

    [Fact]
    public void Read_NullForNullable_LeavesNull()
    {
        Assert.Null(Read("""{"cpu":"1","memory":null}""").Memory);
    }

    [Fact]
    public void Write_Quantity_WritesCanonicalString()
    {
        var holder = new QuantityHolder { Cpu = Quantity.Parse("0.5"), Memory = Quantity.Parse("1024Mi") };

        string json = JsonSerializer.Serialize(holder, QuantityJsonContext.Default.QuantityHolder);

        Assert.Equal("""{"cpu":"500m","memory":"1Gi"}""", json);
    }

    [Fact]
    public void Read_LongString_UsesHeapBuffer()
    {
        string padded = new string(' ', 300) + "250m";

        Assert.Equal("250m", Read($$"""{"cpu":"{{padded}}"}""").Cpu.ToString());
    }

    [Theory]
    [InlineData("99999999999999999999999999Ei", "at most 9223372036854775807")]
    [InlineData("9Ei", "at most 9223372036854775807")]
    [InlineData("-100E", "at most 9223372036854775807")]
    [InlineData("99999999999999999999", "at most 9223372036854775807")]
    public void Read_BeyondInt64_RefusedNotSaturated(string quantity, string expected)
    {
        // Kubernetes (and Quantity.Parse) saturate 9999…Ei to 8Ei; an API object must not get a limit other than the one written.
        JsonException exception = Assert.Throws<JsonException>(() => Read($$"""{"cpu":"{{quantity}}"}"""));

        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
        Assert.Equal("$.cpu", exception.Path);
    }

    [Fact]
    public void Read_LargestAmounts_Accepted()
    {
        Assert.Equal("7Ei", Read("""{"cpu":"7Ei"}""").Cpu.ToString());
        Assert.Equal("9223372036854775807", Read("""{"cpu":"9223372036854775807"}""").Cpu.ToString());
    }

    [Fact]
    public void Read_ThousandsOfDigits_RefusedByLength()
    {
        string digits = new('9', 2_000_000);

        JsonException exception = Assert.Throws<JsonException>(() => Read($$"""{"cpu":"{{digits}}"}"""));

        Assert.Contains("at most 256 characters", exception.Message, StringComparison.Ordinal);
    }
}
