using Drover.Cli.Explain;

namespace Drover.Cli.Explain.Tests;

public class WordWrapTests
{
    // The cases of go-wordwrap v1.0.1's wordwrap_test.go, which kubectl's explain wraps with.
    [Theory]
    [InlineData("foo", "foo", 4)]
    [InlineData("foobarbaz", "foobarbaz", 4)]
    [InlineData("foo bar baz", "foo\nbar\nbaz", 4)]
    [InlineData("foo bars bazzes", "foo\nbars\nbazzes", 4)]
    [InlineData("fo sop", "fo\nsop", 4)]
    [InlineData("foo bar\u00A0baz", "foo\nbar\u00A0baz", 10)]
    [InlineData("foo\nb\t r\n baz", "foo\nb\t r\n baz", 4)]
    [InlineData("foo    \nb   ar   ", "foo\nb\nar", 4)]
    [InlineData("foo bar baz\n", "foo\nbar\nbaz\n", 4)]
    [InlineData("\nfoo bar\n\n\nbaz\n", "\nfoo\nbar\n\n\nbaz\n", 4)]
    [InlineData(" This is a list: \n\n\t* foo\n\t* bar\n\n\n\t* baz  \nBAM    ", " This\nis a\nlist: \n\n\t* foo\n\t* bar\n\n\n\t* baz\nBAM", 6)]
    [InlineData("\u2584 \u2584 \u2584 \u2584 ", "\u2584 \u2584\n\u2584 \u2584 ", 4)]
    public void Wrap_GoWordwrapCases_SameOutput(string input, string expected, int limit) =>
        Assert.Equal(expected, WordWrap.Wrap(input, limit));

    [Fact]
    public void Wrap_ZeroLimit_Unchanged() => Assert.Equal("a b c", WordWrap.Wrap("a b c", 0));

    [Fact]
    public void Wrap_AstralCharacters_CountedOncePerRune() =>
        Assert.Equal("\U0001F600\U0001F600 \U0001F600", WordWrap.Wrap("\U0001F600\U0001F600 \U0001F600", 4));

    [Fact]
    public void Indent_TrailingNewline_PaddedAfterToo() =>
        Assert.Equal("    a\n    b\n    ", WordWrap.Indent(4, "a\nb\n"));
}
