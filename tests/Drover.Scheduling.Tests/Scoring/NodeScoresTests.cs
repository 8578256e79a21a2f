using CsCheck;

namespace Drover.Scheduling.Tests;

public sealed class NodeScoresTests
{
    [Fact]
    public void FewerIsBetter_Counts_ReversedAgainstTheMost()
    {
        long[] counts = [0, 1, 2, 4, 3];

        NodeScores.FewerIsBetter(counts);

        Assert.Equal([100, 75, 50, 0, 25], counts);
    }

    [Fact]
    public void FewerIsBetter_AllZero_FullScore()
    {
        long[] counts = [0, 0];

        NodeScores.FewerIsBetter(counts);

        Assert.Equal([100, 100], counts);
    }

    [Fact]
    public void FewerIsBetter_SmallAndLargeCounts_SameAsDividingEach()
    {
        Gen.Long[0, 200].Array[1, 30].Sample(counts =>
        {
            var most = counts.Max();
            var expected = counts.Select(c => most == 0 ? 100 : 100 - c * 100 / most).ToArray();

            NodeScores.FewerIsBetter(counts);

            Assert.Equal(expected, counts);
        });
    }

    [Fact]
    public void Quotient_AnyOperandsBelowTwoToThe53_EqualsIntegerDivision()
    {
        Gen.Select(Gen.Long[0, (1L << 53) - 1], Gen.Long[1, (1L << 47) - 1]).Sample((dividend, divisor) =>
            Assert.Equal(dividend / divisor, NodeScores.Quotient(dividend, divisor)), iter: 100_000);
    }

    [Theory]
    [InlineData(8_999_999_999_999_999L, 90_000_000_000_000L)] // just under an integer quotient (99.99…)
    [InlineData(9_007_199_254_740_991L, 3L)]
    [InlineData(100L * 1_073_741_823L, 1_073_741_824L)]
    public void Quotient_NearIntegerBoundaries_EqualsIntegerDivision(long dividend, long divisor)
    {
        Assert.Equal(dividend / divisor, NodeScores.Quotient(dividend, divisor));
    }
}
