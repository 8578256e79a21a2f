namespace Drover.Api.Tests;

public class SelectorsMatchTests
{
    private static readonly Dictionary<string, string> s_labels = new()
    {
        ["app"] = "web",
        ["tier"] = "frontend",
        ["replicas"] = "5",
        ["notanumber"] = "abc",
        ["empty"] = "",
    };

    // Truth table per operator: key present and matching, present and not matching, and missing.
    [Theory]
    [InlineData("app=web", true)]
    [InlineData("app==web", true)]
    [InlineData("app=db", false)]
    [InlineData("missing=web", false)]
    [InlineData("empty=", true)]
    [InlineData("missing=", false)]
    [InlineData("app!=db", true)]
    [InlineData("app!=web", false)]
    [InlineData("missing!=web", true)]
    [InlineData("app in (db,web)", true)]
    [InlineData("app in (db)", false)]
    [InlineData("missing in (web)", false)]
    [InlineData("empty in ()", true)]
    [InlineData("app notin (db)", true)]
    [InlineData("app notin (web,db)", false)]
    [InlineData("missing notin (web)", true)]
    [InlineData("app", true)]
    [InlineData("empty", true)]
    [InlineData("missing", false)]
    [InlineData("!missing", true)]
    [InlineData("!app", false)]
    [InlineData("replicas>4", true)]
    [InlineData("replicas>5", false)]
    [InlineData("missing>1", false)]
    [InlineData("notanumber>1", false)]
    [InlineData("replicas<6", true)]
    [InlineData("replicas<5", false)]
    [InlineData("missing<1", false)]
    [InlineData("notanumber<1", false)]
    [InlineData("replicas>0", true)]
    [InlineData("replicas<0006", true)]
    [InlineData("app=web,tier=frontend", true)]
    [InlineData("app=web,tier=backend", false)]
    [InlineData("app=web,!missing,replicas<10,tier in (frontend)", true)]
    [InlineData("", true)]
    public void Matches_Labels_FollowsKubernetesSemantics(string selector, bool expected)
    {
        Assert.Equal(expected, Selector.Parse(selector).Matches(s_labels));
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("x", false)]
    [InlineData("!x", true)]
    [InlineData("x=a", false)]
    [InlineData("x!=a", true)]
    [InlineData("x notin (a)", true)]
    [InlineData("x in (a)", false)]
    [InlineData("x>1", false)]
    public void Matches_NullLabels_TreatedAsEmpty(string selector, bool expected)
    {
        Assert.Equal(expected, Selector.Parse(selector).Matches(null));
        Assert.Equal(expected, Selector.Parse(selector).Matches(new Dictionary<string, string>()));
    }

    [Fact]
    public void Matches_ValuesAreCaseSensitive()
    {
        Assert.False(Selector.Parse("app=Web").Matches(s_labels));
    }

    [Fact]
    public void Everything_AnyLabels_Matches()
    {
        Assert.True(Selector.Everything.Matches(null));
        Assert.True(Selector.Everything.Matches(s_labels));
        Assert.True(Selector.Everything.IsEmpty);
    }

    [Fact]
    public void Nothing_AnyLabels_DoesNotMatch()
    {
        Assert.False(Selector.Nothing.Matches(null));
        Assert.False(Selector.Nothing.Matches(s_labels));
        Assert.False(Selector.Nothing.IsEmpty);
    }

    [Fact]
    public void SelectorRequirementMatches_HandBuiltWithBadInteger_DoesNotMatch()
    {
        var requirement = new SelectorRequirement("replicas", SelectorOperator.GreaterThan, ["x"]);

        Assert.False(requirement.Matches(s_labels));
    }
}
