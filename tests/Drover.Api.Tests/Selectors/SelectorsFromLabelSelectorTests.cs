namespace Drover.Api.Tests;

public class SelectorsFromLabelSelectorTests
{
    [Fact]
    public void FromLabelSelector_Null_MatchesNothing()
    {
        Selector selector = Selector.FromLabelSelector(null);

        Assert.False(selector.Matches(new Dictionary<string, string> { ["a"] = "b" }));
        Assert.False(selector.Matches(null));
    }

    [Fact]
    public void FromLabelSelector_Empty_MatchesEverything()
    {
        Selector selector = Selector.FromLabelSelector(new LabelSelector { MatchLabels = [], MatchExpressions = [] });

        Assert.True(selector.IsEmpty);
        Assert.True(selector.Matches(new Dictionary<string, string> { ["a"] = "b" }));
        Assert.True(Selector.FromLabelSelector(new LabelSelector()).IsEmpty);
    }

    [Fact]
    public void FromLabelSelector_LabelsAndExpressions_CombinesAndSorts()
    {
        var api = new LabelSelector
        {
            MatchLabels = new() { ["tier"] = "frontend", ["app"] = "web" },
            MatchExpressions =
            [
                new() { Key = "env", Operator = "In", Values = ["prod", "canary"] },
                new() { Key = "legacy", Operator = "DoesNotExist" },
                new() { Key = "zone", Operator = "NotIn", Values = ["b"] },
                new() { Key = "owner", Operator = "Exists", Values = [] },
            ],
        };

        Selector selector = Selector.FromLabelSelector(api);

        Assert.Equal(
            "app=web,env in (canary,prod),!legacy,owner,tier=frontend,zone notin (b)",
            selector.ToString());
        Assert.True(selector.Matches(new Dictionary<string, string>
        {
            ["app"] = "web", ["tier"] = "frontend", ["env"] = "prod", ["owner"] = "me",
        }));
        Assert.False(selector.Matches(new Dictionary<string, string>
        {
            ["app"] = "web", ["tier"] = "frontend", ["env"] = "prod", ["owner"] = "me", ["zone"] = "b",
        }));
        Assert.False(selector.Matches(new Dictionary<string, string>
        {
            ["app"] = "web", ["env"] = "prod", ["owner"] = "me",
        }));
    }

    [Theory]
    [InlineData("in")]
    [InlineData("Equals")]
    [InlineData("Gt")]
    [InlineData("")]
    public void FromLabelSelector_UnknownOperator_NamesFieldAndValue(string op)
    {
        var api = new LabelSelector
        {
            MatchExpressions =
            [
                new() { Key = "a", Operator = "Exists" },
                new() { Key = "b", Operator = op, Values = ["x"] },
            ],
        };

        FormatException exception = Assert.Throws<FormatException>(() => Selector.FromLabelSelector(api));

        Assert.Contains("matchExpressions[1].operator", exception.Message);
        Assert.Contains($"\"{op}\"", exception.Message);
    }

    [Theory]
    [InlineData("a", "In", null, "matchExpressions[0].values")]
    [InlineData("a", "NotIn", new string[0], "matchExpressions[0].values")]
    [InlineData("a", "Exists", new[] { "x" }, "matchExpressions[0].values")]
    [InlineData("a", "DoesNotExist", new[] { "x" }, "matchExpressions[0].values")]
    [InlineData("a", "In", new[] { "ok", "not ok" }, "matchExpressions[0].values[1]")]
    [InlineData("a b", "Exists", null, "matchExpressions[0].key")]
    [InlineData("", "Exists", null, "matchExpressions[0].key")]
    public void FromLabelSelector_InvalidExpression_NamesField(string key, string op, string[]? values, string field)
    {
        var api = new LabelSelector
        {
            MatchExpressions = [new() { Key = key, Operator = op, Values = values?.ToList() }],
        };

        FormatException exception = Assert.Throws<FormatException>(() => Selector.FromLabelSelector(api));

        Assert.Contains(field + ":", exception.Message);
    }

    [Fact]
    public void FromLabelSelector_InvalidMatchLabel_NamesKey()
    {
        var api = new LabelSelector { MatchLabels = new() { ["app"] = "bad value" } };

        FormatException exception = Assert.Throws<FormatException>(() => Selector.FromLabelSelector(api));

        Assert.Contains("matchLabels[\"app\"]", exception.Message);
        Assert.Contains("\"bad value\"", exception.Message);
    }

    [Fact]
    public void FromMatchLabels_Map_MatchesSubset()
    {
        Selector selector = Selector.FromMatchLabels(new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" });

        Assert.Equal("a=1,b=2", selector.ToString());
        Assert.True(selector.Matches(new Dictionary<string, string> { ["a"] = "1", ["b"] = "2", ["c"] = "3" }));
        Assert.False(selector.Matches(new Dictionary<string, string> { ["a"] = "1" }));
    }

    [Fact]
    public void FromMatchLabels_NullOrEmpty_MatchesEverything()
    {
        Assert.True(Selector.FromMatchLabels(null).IsEmpty);
        Assert.True(Selector.FromMatchLabels(new Dictionary<string, string>()).Matches(null));
    }

    [Fact]
    public void FromMatchLabels_InvalidKey_Throws()
    {
        FormatException exception = Assert.Throws<FormatException>(
            () => Selector.FromMatchLabels(new Dictionary<string, string> { ["-bad"] = "x" }));

        Assert.Contains("\"-bad\"", exception.Message);
    }
}
