using System.Text.Json;

using Drover.Cli.Output.JsonPath;

namespace Drover.Cli.Output.JsonPath.Tests;

/// <summary>kubectl's JSONPath templates (the examples of kubectl's reference page), over a small List.</summary>
public sealed class JsonPathTemplateTests
{
    private const string List = """
        {"kind":"List","items":[
          {"metadata":{"name":"a","labels":{"app":"x"},"annotations":{"kubernetes.io/change-cause":"v2"}},"spec":{"n":1,"containers":[{"name":"c1","image":"i1"},{"name":"c2","image":"i2"}]},
           "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}},
          {"metadata":{"name":"b"},"spec":{"n":3,"containers":[{"name":"c3","image":"i3"}]},
           "status":{"phase":"Pending","conditions":[{"type":"Ready","status":"False"}]}}
        ]}
        """;

    [Theory]
    [InlineData("{.kind}", "List")]
    [InlineData("{.items[0].metadata.name}", "a")]
    [InlineData("{.items[*].metadata.name}", "a b")]
    [InlineData("{.items[-1].metadata.name}", "b")]
    [InlineData("{.items[0:1].metadata.name}", "a")]
    [InlineData("{.items[::-1].metadata.name}", "b a")]
    [InlineData("{.items[*].spec.containers[*].image}", "i1 i2 i3")]
    [InlineData("{range .items[*]}{.metadata.name}{\"\\t\"}{.status.phase}{\"\\n\"}{end}", "a\tRunning\nb\tPending\n")]
    [InlineData("{.items[?(@.metadata.name==\"b\")].status.phase}", "Pending")]
    [InlineData("{.items[?(@.spec.n > 2)].metadata.name}", "b")]
    [InlineData("{.items[?(@.metadata.labels)].metadata.name}", "a")]
    [InlineData("{.items[?(@.status.conditions[?(@.type==\"Ready\")].status==\"True\")].metadata.name}", "a")]
    [InlineData("{.items[0].metadata.labels}", "{\"app\":\"x\"}")]
    [InlineData("{.items[0].metadata.annotations.kubernetes\\.io/change-cause}", "v2")]
    [InlineData("{.items[0]['metadata']['name']}", "a")]
    [InlineData("{.items[0].spec.containers[*]['name','image']}", "c1 i1 c2 i2")]
    [InlineData("{..image}", "i1 i2 i3")]
    [InlineData("{$.items[1].metadata.name}", "b")]
    [InlineData("names: {.items[*].metadata.name}!", "names: a b!")]
    [InlineData("{.items[0].missing}", "")]
    [InlineData("{.items[7].metadata.name}", "")]
    public void Execute_KubectlExamples_PrintAsKubectl(string template, string expected)
    {
        using var document = JsonDocument.Parse(List);

        Assert.Equal(expected, JsonPathTemplate.Parse(template).Execute(document.RootElement));
    }

    [Theory]
    [InlineData("{.items[}", "unterminated [")]
    [InlineData("{.items[0]", "unclosed action")]
    [InlineData("{range .items[*]}{.a}", "{range} without an {end}")]
    [InlineData("{end}", "{end} without a {range}")]
    [InlineData("{.items[x]}", "invalid array index")]
    [InlineData("{.items[1:2:0]}", "step of 0")]
    [InlineData("{.a b}", "unrecognized character ' '")]
    [InlineData("{\"open}", "unterminated quoted string")]
    public void Parse_Malformed_ThrowsNamingTheProblem(string template, string message)
    {
        var e = Assert.Throws<JsonPathException>(() => JsonPathTemplate.Parse(template));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LongerThanTheLimit_Refused()
    {
        var e = Assert.Throws<JsonPathException>(() => JsonPathTemplate.Parse("{" + new string('a', JsonPathParser.MaxTemplateLength) + "}"));

        Assert.Contains($"at most {JsonPathParser.MaxTemplateLength}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RangesNestedTooDeep_Refused()
    {
        var template = string.Concat(Enumerable.Repeat("{range .a}", JsonPathParser.MaxNesting + 1)) + string.Concat(Enumerable.Repeat("{end}", JsonPathParser.MaxNesting + 1));

        var e = Assert.Throws<JsonPathException>(() => JsonPathTemplate.Parse(template));

        Assert.Contains("nested more than", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_FiltersNestedTooDeep_Refused()
    {
        var filter = "@.a";
        for (var i = 0; i <= JsonPathParser.MaxNesting; i++)
            filter = $"@.b[?({filter})]";

        var e = Assert.Throws<JsonPathException>(() => JsonPathTemplate.Parse("{.x[?(" + filter + ")]}"));

        Assert.Contains("nested more than", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(".metadata.name")]
    [InlineData("metadata.name")]
    [InlineData("{.metadata.name}")]
    public void ParseRelaxed_ThreeSpellings_SamePath(string path)
    {
        using var document = JsonDocument.Parse("""{"metadata":{"name":"n"}}""");

        var values = JsonPathEvaluator.Evaluate(JsonPathParser.ParseRelaxed(path), document.RootElement, document.RootElement);

        Assert.Equal("n", Assert.Single(values).GetString());
    }
}
