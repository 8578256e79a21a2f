using System.Text.Json.Nodes;
using Drover.Api.Patching;

namespace Drover.Api.Patching.Tests;

/// <summary>RFC 6902 operations (examples from the RFC's appendix A) and their refusals.</summary>
public class JsonPatchTests
{
    private static string Apply(string document, string patch) =>
        JsonPatch.Apply(JsonNode.Parse(document), JsonNode.Parse(patch)!)!.ToJsonString();

    [Theory]
    [InlineData("""{"foo":"bar"}""", """[{"op":"add","path":"/baz","value":"qux"}]""", """{"foo":"bar","baz":"qux"}""")]
    [InlineData("""{"foo":["bar","baz"]}""", """[{"op":"add","path":"/foo/1","value":"qux"}]""", """{"foo":["bar","qux","baz"]}""")]
    [InlineData("""{"foo":["bar"]}""", """[{"op":"add","path":"/foo/-","value":"x"}]""", """{"foo":["bar","x"]}""")]
    [InlineData("""{"baz":"qux","foo":"bar"}""", """[{"op":"remove","path":"/baz"}]""", """{"foo":"bar"}""")]
    [InlineData("""{"baz":"qux","foo":"bar"}""", """[{"op":"replace","path":"/baz","value":"boo"}]""", """{"foo":"bar","baz":"boo"}""")]
    [InlineData("""{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}""", """[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]""", """{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}""")]
    [InlineData("""{"a":{"b":1}}""", """[{"op":"copy","from":"/a","path":"/c"}]""", """{"a":{"b":1},"c":{"b":1}}""")]
    [InlineData("""{"a/b":1,"m~n":2}""", """[{"op":"test","path":"/a~1b","value":1},{"op":"remove","path":"/m~0n"}]""", """{"a/b":1}""")]
    public void Apply_RfcExamples_GiveTheRfcResults(string document, string patch, string expected) =>
        Assert.Equal(expected, Apply(document, patch));

    [Theory]
    [InlineData("""[{"op":"test","path":"/a","value":2}]""", "test failed", true)]
    [InlineData("""[{"op":"remove","path":"/nope"}]""", "nothing at \"/nope\"", true)]
    [InlineData("""[{"op":"add","path":"/l/5","value":1}]""", "out of range", true)]
    [InlineData("""[{"op":"add","path":"/l/01","value":1}]""", "not a list index", true)]
    [InlineData("""[{"op":"jump","path":"/a"}]""", "unknown op \"jump\"", false)]
    [InlineData("""[{"op":"add","path":"a","value":1}]""", "must start with '/'", false)]
    [InlineData("""[{"op":"add","path":"/a"}]""", "\"value\" is missing", false)]
    [InlineData("""{"op":"add"}""", "must be a list of operations", false)]
    [InlineData("""[{"op":"move","from":"/l","path":"/l/0"}]""", "into its own child", true)]
    public void Apply_BadOperation_RefusedNamingIt(string patch, string expected, bool unprocessable)
    {
        var error = Assert.Throws<PatchException>(() => Apply("""{"a":1,"l":[0]}""", patch));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(unprocessable, error.Unprocessable);
    }

    [Fact]
    public void Apply_TooManyOperations_Refused()
    {
        var ops = new JsonArray([.. Enumerable.Range(0, JsonPatch.MaxOperations + 1).Select(_ => (JsonNode?)new JsonObject { ["op"] = "test", ["path"] = "/a", ["value"] = 1 })]);

        var error = Assert.Throws<PatchException>(() => JsonPatch.Apply(JsonNode.Parse("""{"a":1}"""), ops));

        Assert.Contains("more than the limit of 10000", error.Message, StringComparison.Ordinal);
    }
}
