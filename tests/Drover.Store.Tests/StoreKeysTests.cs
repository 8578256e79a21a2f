using System.Text;
using CsCheck;

namespace Drover.Store.Tests;

public sealed class StoreKeysTests
{
    // Small alphabets hit the interesting boundaries: shared prefixes, the BMP above the surrogates, supplementary
    // characters (surrogate pairs) and U+10FFFF, where ordinal UTF-16 order and UTF-8 byte order disagree.
    private static readonly Gen<string> Keys = Gen.OneOf("a", "b", "/", "\u00FF", "\uFFFF", "\uE000", "\U00010000", "\U0010FFFF")
        .Array[0, 5]
        .Select(parts => string.Concat(parts));

    [Fact]
    public void PrefixUpperBound_AnyKeyAndPrefix_RangeMatchesStartsWith()
    {
        Gen.Select(Keys, Keys).Sample((prefix, key) =>
        {
            var upper = StoreKeys.PrefixUpperBound(prefix);
            var inRange = Utf8Compare(key, prefix) >= 0 && (upper is null || Utf8Compare(key, upper) < 0);
            return inRange == key.StartsWith(prefix, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Compare_AnyTwoKeys_AgreesWithUtf8ByteOrder()
    {
        Gen.Select(Keys, Keys).Sample((left, right) =>
            Math.Sign(StoreKeys.Compare(left, right)) == Math.Sign(Utf8Compare(left, right)));
    }

    [Fact]
    public void PageLowerBound_AnyKeys_SelectsKeysUnderPrefixStrictlyAfterStart()
    {
        Gen.Select(Keys, Keys, Keys).Sample((prefix, after, key) =>
        {
            var lower = StoreKeys.PageLowerBound(prefix, after);
            var upper = StoreKeys.PrefixUpperBound(prefix);
            var selected = Utf8Compare(key, lower) >= 0 && (upper is null || Utf8Compare(key, upper) < 0);
            var expected = key.StartsWith(prefix, StringComparison.Ordinal) && Utf8Compare(key, after) > 0;
            return selected == expected;
        });
    }

    [Theory]
    [InlineData("/pods/", "/pods0")]
    [InlineData("a\uD7FF", "a\uE000")]
    [InlineData("a\uFFFF", "a\U00010000")]
    [InlineData("a\U0010FFFF", "b")]
    [InlineData("\U0010FFFF", null)]
    [InlineData("", null)]
    public void PrefixUpperBound_Boundaries_SkipsSurrogatesAndCarries(string prefix, string? expected)
    {
        Assert.Equal(expected, StoreKeys.PrefixUpperBound(prefix));
    }

    [Fact]
    public void IsWellFormed_Keys_RejectsNulAndLoneSurrogates()
    {
        Assert.True(StoreKeys.IsWellFormed("ok/key"));
        Assert.True(StoreKeys.IsWellFormed("pair\U0001F600"));
        Assert.False(StoreKeys.IsWellFormed("nul\0"));
        Assert.False(StoreKeys.IsWellFormed("high" + (char)0xD800));
        Assert.False(StoreKeys.IsWellFormed("low" + (char)0xDC00 + "x"));
        Assert.False(StoreKeys.IsWellFormed("reversed" + (char)0xDC00 + (char)0xD800));
    }

    private static int Utf8Compare(string left, string right) =>
        Encoding.UTF8.GetBytes(left).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(right));
}
