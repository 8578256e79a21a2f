using Drover.Ingress.Config;

namespace Drover.Ingress.Config.Tests;

public sealed class CommandLineValuesTests
{
    [Theory]
    [InlineData("abc")]
    [InlineData("70000")]
    [InlineData("-1")]
    [InlineData("0")]
    public void Port_Invalid_ErrorNamesFlagAndValue(string value)
    {
        var e = Assert.Throws<IngressOptionsException>(() => CommandLineValues.Port("--http-port", value, allowZero: false));

        Assert.StartsWith($"--http-port: \"{value}\"", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("60s", 60_000)]
    [InlineData("500ms", 500)]
    [InlineData("1m30s", 90_000)]
    public void PositiveDuration_GoSyntax_Parses(string value, int milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), CommandLineValues.PositiveDuration("--upstream-timeout", value));
    }

    [Theory]
    [InlineData("forever")]
    [InlineData("0s")]
    [InlineData("10x")]
    [InlineData("2")]
    public void PositiveDuration_Invalid_ErrorNamesFlagAndValue(string value)
    {
        var e = Assert.Throws<IngressOptionsException>(() => CommandLineValues.PositiveDuration("--upstream-timeout", value));

        Assert.StartsWith($"--upstream-timeout: \"{value}\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EndPointOrOff_Off_IsNull()
    {
        Assert.Null(CommandLineValues.EndPointOrOff("--metrics-addr", "off"));
        Assert.Equal(10254, CommandLineValues.EndPointOrOff("--metrics-addr", "127.0.0.1:10254")!.Port);
        Assert.Contains("--metrics-addr: \"localhost\"", Assert.Throws<IngressOptionsException>(() => CommandLineValues.EndPointOrOff("--metrics-addr", "localhost")).Message, StringComparison.Ordinal);
    }
}
