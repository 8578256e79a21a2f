namespace Drover.ControlPlane.Api.Tests;

/// <summary>The pin droverd takes from a Node: one hash, or "new,old" while the agent renews its certificate.</summary>
public sealed class AgentPinTests
{
    private static readonly string Old = new('a', 64);
    private static readonly string New = new('b', 64);

    [Fact]
    public void PinMatches_EitherHashOfARenewal_NeitherOther()
    {
        Assert.True(AgentLogClient.PinMatches(Old, Old));
        Assert.True(AgentLogClient.PinMatches($"{New},{Old}", Old));
        Assert.True(AgentLogClient.PinMatches($"{New},{Old}", New));
        Assert.False(AgentLogClient.PinMatches($"{New},{Old}", new string('c', 64)));
        Assert.False(AgentLogClient.PinMatches("", Old));
    }

    [Theory]
    [InlineData(true, "a")]
    [InlineData(true, "a,b")]
    [InlineData(false, "")]
    [InlineData(false, "a,")]
    [InlineData(false, "a,b,a,b,a")]
    [InlineData(false, "A")]
    public void IsPinList_HexHashesSeparatedByCommas_AtMostFour(bool expected, string shape)
    {
        var pins = shape.Replace("a", Old, StringComparison.Ordinal).Replace("b", New, StringComparison.Ordinal).Replace("A", Old.ToUpperInvariant(), StringComparison.Ordinal);

        Assert.Equal(expected, PodLogEndpoint.IsPinList(pins));
    }
}
