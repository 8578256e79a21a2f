namespace Drover.Api.Tests;

public class SelectorsParseTests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("   ", "")]
    [InlineData("x=a", "x=a")]
    [InlineData("x==a", "x=a")]
    [InlineData("x = a", "x=a")]
    [InlineData("x=", "x=")]
    [InlineData("x!=a", "x!=a")]
    [InlineData("x>1", "x>1")]
    [InlineData("x<05", "x<05")]
    [InlineData("x", "x")]
    [InlineData("!x", "!x")]
    [InlineData(" ! x ", "!x")]
    [InlineData("x in (b,a,b)", "x in (a,b)")]
    [InlineData("x notin (a)", "x notin (a)")]
    [InlineData("x in ()", "x in ()")]
    [InlineData("x in (,a)", "x in (,a)")]
    [InlineData("x in (a,)", "x in (,a)")]
    [InlineData("x in(a , b)", "x in (a,b)")]
    [InlineData("y=b,x=a", "x=a,y=b")]
    [InlineData("z,!y,x in (a)", "x in (a),!y,z")]
    [InlineData("example.com/app=web", "example.com/app=web")]
    [InlineData("in=notin", "in=notin")]
    [InlineData("x=in", "x=in")]
    [InlineData("app=my-app,tier!=db,env in (a,b),env notin (c),!legacy,partition",
        "app=my-app,env in (a,b),env notin (c),!legacy,partition,tier!=db")]
    public void Parse_Valid_FormatsCanonically(string input, string expected)
    {
        Selector selector = Selector.Parse(input);

        Assert.Equal(expected, selector.ToString());
        Assert.Equal(expected, Selector.Parse(expected).ToString());
        Assert.Equal(selector.Requirements, Selector.Parse(expected).Requirements);
    }

    [Fact]
    public void Parse_Kubectl_BuildsRequirementsSortedByKey()
    {
        Selector selector = Selector.Parse("tier!=db,app=my-app,env in (b,a),!legacy,x>1");

        Assert.Equal(
            [
                new SelectorRequirement("app", SelectorOperator.Equals, ["my-app"]),
                new SelectorRequirement("env", SelectorOperator.In, ["a", "b"]),
                new SelectorRequirement("legacy", SelectorOperator.DoesNotExist, []),
                new SelectorRequirement("tier", SelectorOperator.NotEquals, ["db"]),
                new SelectorRequirement("x", SelectorOperator.GreaterThan, ["1"]),
            ],
            selector.Requirements);
    }

    [Fact]
    public void Parse_Empty_IsEverything()
    {
        Selector selector = Selector.Parse("");

        Assert.True(selector.IsEmpty);
        Assert.Same(Selector.Everything, selector);
    }

    [Theory]
    [InlineData("x=a,", "end of string")]
    [InlineData(",x", "','")]
    [InlineData("x,,y", "','")]
    [InlineData("x=a b", "'b'")]
    [InlineData("x a", "'a'")]
    [InlineData("x in a", "'a'")]
    [InlineData("x in (a", "end of string")]
    [InlineData("x in (a b)", "'b'")]
    [InlineData("x in (a))", "')'")]
    [InlineData("x notin", "end of string")]
    [InlineData("!x=a", "'='")]
    [InlineData("!", "end of string")]
    [InlineData("=a", "'='")]
    [InlineData("x=(a)", "'('")]
    [InlineData("x>a", "must be an integer")]
    [InlineData("x<", "must be an integer")]
    [InlineData("x>1.5", "must be an integer")]
    [InlineData("x<-5", "invalid label value \"-5\"")]
    [InlineData("-x=a", "invalid label key \"-x\"")]
    [InlineData("a/b/c", "invalid label key \"a/b/c\"")]
    [InlineData("Example.com/x", "prefix part")]
    [InlineData("x=-a", "invalid label value \"-a\"")]
    [InlineData("x in (a,b_)", "invalid label value \"b_\"")]
    public void Parse_Invalid_ThrowsFormatExceptionNamingProblem(string input, string fragment)
    {
        FormatException exception = Assert.Throws<FormatException>(() => Selector.Parse(input));

        Assert.Contains($"\"{input}\"", exception.Message);
        Assert.Contains(fragment, exception.Message);
    }

    [Fact]
    public void Parse_Invalid_ReportsPosition()
    {
        FormatException exception = Assert.Throws<FormatException>(() => Selector.Parse("app=web,tier db"));

        Assert.Contains("found 'db' at position 13", exception.Message);
    }

    [Fact]
    public void Parse_Null_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => Selector.Parse(null!));
    }

    [Fact]
    public void SelectorRequirement_SameContent_AreEqual()
    {
        var left = new SelectorRequirement("a", SelectorOperator.In, new List<string> { "x", "y" });
        var right = new SelectorRequirement("a", SelectorOperator.In, new[] { "x", "y" });

        Assert.Equal(left, right);
        Assert.Equal(left.GetHashCode(), right.GetHashCode());
        Assert.NotEqual(left, right with { Operator = SelectorOperator.NotIn });
    }
}
