using System.Text;

namespace Drover.Api.Tests;

/// <summary>Outside JSON is checked in one pass against <see cref="InputLimits"/>, each refusal naming the limit and where.</summary>
public class JsonInputTests
{
    private static ManifestException Refused(string json) =>
        Assert.Throws<ManifestException>(() => JsonInput.Check(Encoding.UTF8.GetBytes(json)));

    [Theory]
    [InlineData(65)]
    [InlineData(100_000)]
    public void Check_DeepNesting_RefusedWithDepthLimitAndPosition(int depth)
    {
        var error = Refused("{\"a\":" + new string('[', depth) + new string(']', depth) + "}");

        Assert.Equal(nameof(InputLimits.MaxDepth), error.Limit);
        Assert.Contains("MaxDepth = 64", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, error.Line);
        // The object is level 1: the 64th '[' (offset 5 + 63) is level 65.
        Assert.Equal(5 + 63 + 1, error.Column);
    }

    [Fact]
    public void Check_NestingAtTheLimit_Passes()
    {
        JsonInput.Check(Encoding.UTF8.GetBytes(new string('[', 64) + new string(']', 64)));
    }

    [Fact]
    public void Check_TooLarge_RefusedAsTooLarge()
    {
        var error = Assert.Throws<ManifestException>(() => JsonInput.Check(new byte[InputLimits.MaxObjectBytes + 1]));

        Assert.True(error.TooLarge);
        Assert.Equal(nameof(InputLimits.MaxObjectBytes), error.Limit);
    }

    [Fact]
    public void Check_TooManyNodes_RefusedWithNodeLimit()
    {
        var error = Refused("[" + string.Join(',', Enumerable.Repeat("0", InputLimits.MaxNodes)) + "]");

        Assert.Equal(nameof(InputLimits.MaxNodes), error.Limit);
    }

    [Fact]
    public void Check_LongKey_RefusedWithKeyLimit()
    {
        var error = Refused("{\"" + new string('k', InputLimits.MaxKeyLength + 1) + "\":1}");

        Assert.Equal(nameof(InputLimits.MaxKeyLength), error.Limit);
    }

    [Fact]
    public void Check_LongEscapedString_RefusedWithStringLimit()
    {
        var error = Refused("[\"\\n" + new string('x', InputLimits.MaxStringLength) + "\"]");

        Assert.Equal(nameof(InputLimits.MaxStringLength), error.Limit);
    }

    [Theory]
    [InlineData("{\"a\":\"\\ud800\"}", "lone UTF-16 surrogate")]
    [InlineData("{\"\\udc00\":1}", "lone UTF-16 surrogate")]
    [InlineData("{\"a\":1,}", "malformed JSON at line 1")]
    [InlineData("{\"a\":1} {}", "malformed JSON at line 1")]
    [InlineData("{\"a\":1 // no\n}", "malformed JSON at line 1")]
    public void Check_Malformed_RefusedWithPosition(string json, string expected)
    {
        var error = Refused(json);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_InvalidUtf8_NamesTheOffset()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"a\":\"bcd\"}");
        bytes[7] = 0xFF;

        var error = Assert.Throws<ManifestException>(() => JsonInput.Check(bytes));

        Assert.Contains("UTF-8", error.Message, StringComparison.Ordinal);
        Assert.Contains("offset 7", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseNode_DuplicateKeys_Refused()
    {
        var error = Assert.Throws<ManifestException>(() => JsonInput.ParseNode("{\"a\":1,\"a\":2}"u8));

        Assert.Contains("malformed JSON", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0x61, 0xC3 }, 1)]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 }, 0)]
    [InlineData(new byte[] { 0x61, 0x62, 0xF8 }, 2)]
    [InlineData(new byte[] { 0xC3, 0xA9 }, -1)]
    public void FirstInvalidUtf8_FindsTheOffset(byte[] bytes, int expected)
    {
        Assert.Equal(expected, JsonInput.FirstInvalidUtf8(bytes));
    }
}
