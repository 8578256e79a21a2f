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
        string digits = new('9', 300);

        Assert.Equal(digits, Read($$"""{"cpu":"{{digits}}"}""").Cpu.ToString());
    }
}
