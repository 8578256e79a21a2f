using System.Text;
using System.Text.Json;

namespace Drover.Api.Tests;

/// <summary>
/// Hostile YAML is refused while it is read, naming the limit and the position; nothing recurses, so a
/// document nested 100,000 deep is a refusal, not a crash (it was a SIGSEGV of droverd and of the CLI).
/// </summary>
public class YamlToJsonLimitsTests
{
    private static ManifestException Refused(string yaml) =>
        Assert.Throws<ManifestException>(() => YamlToJson.ConvertDocuments(yaml));

    [Theory]
    [InlineData(100_000)]
    [InlineData(50_000)]
    [InlineData(1_001)]
    [InlineData(65)]
    public void ConvertDocuments_DeepFlowNesting_RefusedWithDepthLimit(int depth)
    {
        var yaml = "a: " + new string('[', depth) + new string(']', depth) + "\n";

        var error = Refused(yaml);

        Assert.Equal(nameof(InputLimits.MaxDepth), error.Limit);
        Assert.Contains("MaxDepth = 64", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, error.Line);
    }

    [Fact]
    public void ConvertDocuments_DeepBlockNesting_RefusedWithDepthLimit()
    {
        var sb = new StringBuilder();
        for (var i = 0; i < 2_000; i++)
            sb.Append(' ', i).Append("k:\n");

        var error = Refused(sb.ToString());

        Assert.Equal(nameof(InputLimits.MaxDepth), error.Limit);
        Assert.Equal(InputLimits.MaxDepth + 1, error.Line);
    }

    [Fact]
    public void ConvertDocuments_NestingAtTheLimit_Converts()
    {
        var yaml = new string('[', InputLimits.MaxDepth) + new string(']', InputLimits.MaxDepth);

        var json = YamlToJson.ConvertSingle(yaml);

        using var document = JsonDocument.Parse(json, JsonInput.DocumentOptions);
        Assert.Equal(JsonValueKind.Array, document.RootElement.ValueKind);
    }

    [Fact]
    public void ConvertDocuments_BillionLaughs_RefusedBeforeExpanding()
    {
        // 493 bytes took droverd from 280 MB to 2.67 GB.
        var yaml = new StringBuilder("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var c = 'b'; c <= 'i'; c++)
            yaml.Append(c).Append(": &").Append(c).Append(" [").Append(string.Join(',', Enumerable.Repeat("*" + (char)(c - 1), 9))).Append("]\n");

        var error = Refused(yaml.ToString());

        Assert.Contains(error.Limit, new[] { nameof(InputLimits.MaxNodes), nameof(InputLimits.MaxObjectBytes) });
        Assert.NotNull(error.Line);
    }

    [Fact]
    public void ConvertDocuments_WideAliasFanOut_RefusedByExpandedSize()
    {
        var big = new string('x', 100_000);
        var yaml = new StringBuilder($"a: &a [\"{big}\"]\nb: [");
        yaml.AppendJoin(',', Enumerable.Repeat("*a", 40)).Append("]\n");

        var error = Refused(yaml.ToString());

        Assert.Equal(nameof(InputLimits.MaxObjectBytes), error.Limit);
        Assert.True(error.TooLarge);
    }

    [Fact]
    public void ConvertDocuments_TooManyAliases_RefusedWithAliasLimit()
    {
        var yaml = "a: &a x\nb: [" + string.Join(',', Enumerable.Repeat("*a", InputLimits.MaxAliases + 1)) + "]\n";

        var error = Refused(yaml);

        Assert.Equal(nameof(InputLimits.MaxAliases), error.Limit);
    }

    [Fact]
    public void ConvertDocuments_Aliases_ExpandToTheAnchoredValue()
    {
        var yaml = "base: &b {cpu: 0.1, name: \"x\"}\ncopy: *b\nscalar: &s 3\nagain: *s\n*s : key-from-alias\n";

        var json = YamlToJson.ConvertSingle(yaml);

        Assert.Equal("""{"base":{"cpu":0.1,"name":"x"},"copy":{"cpu":0.1,"name":"x"},"scalar":3,"again":3,"3":"key-from-alias"}""", Encoding.UTF8.GetString(json));
    }

    [Fact]
    public void ConvertDocuments_RecursiveAlias_Refused()
    {
        var error = Refused("a: &a [1, *a]\n");

        Assert.Contains("recursive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConvertDocuments_UndefinedAlias_NamesIt()
    {
        var error = Refused("a: *nowhere\n");

        Assert.Contains("*nowhere", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, error.Line);
    }

    [Fact]
    public void ConvertDocuments_AliasedDepth_CountsTowardTheDepthLimit()
    {
        var deep = new string('[', 40) + new string(']', 40);
        var error = Refused($"a: &a {deep}\nb: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[*a]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n");

        Assert.Equal(nameof(InputLimits.MaxDepth), error.Limit);
    }

    [Fact]
    public void ConvertDocuments_TooManyNodes_RefusedWithNodeLimit()
    {
        var yaml = "[" + string.Join(',', Enumerable.Repeat("1", InputLimits.MaxNodes + 1)) + "]";

        var error = Refused(yaml);

        Assert.Equal(nameof(InputLimits.MaxNodes), error.Limit);
    }

    [Fact]
    public void ConvertDocuments_LongKey_RefusedWithKeyLimit()
    {
        // An implicit key is limited to 1,024 characters by YAML itself; an explicit one ("? ") is not.
        var error = Refused("? " + new string('k', InputLimits.MaxKeyLength + 1) + "\n: v\n");

        Assert.Equal(nameof(InputLimits.MaxKeyLength), error.Limit);
    }

    [Fact]
    public void ConvertDocuments_LongString_RefusedWithStringLimit()
    {
        var error = Refused("v: " + new string('s', InputLimits.MaxStringLength + 1) + "\n");

        Assert.Equal(nameof(InputLimits.MaxStringLength), error.Limit);
    }

    [Fact]
    public void ConvertDocuments_TooManyDocuments_RefusedWithDocumentLimit()
    {
        var yaml = string.Concat(Enumerable.Repeat("---\na: 1\n", InputLimits.MaxDocuments + 1));

        var error = Refused(yaml);

        Assert.Equal(nameof(InputLimits.MaxDocuments), error.Limit);
    }

    [Fact]
    public void ConvertSingle_SecondDocument_RefusedWithoutReadingTheRest()
    {
        // The third document is malformed: a refusal for the second shows reading stopped there.
        var error = Assert.Throws<ManifestException>(() => YamlToJson.ConvertSingle("a: 1\n---\nb: 2\n---\nc: [\n"));

        Assert.Contains("more than one document", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{a: [1, 2", "invalid YAML")]
    [InlineData("a: \"\\ud800\"\n", "surrogate")]
    [InlineData("? [a]\n: b\n", "mapping keys must be strings")]
    [InlineData("a: 1\na: 2\n", "duplicate key \"a\"")]
    public void ConvertDocuments_Malformed_RefusedWithPosition(string yaml, string expected)
    {
        var error = Refused(yaml);

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.NotNull(error.Line);
    }

    [Theory]
    [InlineData("v: 0o17777777777777777777777777\n", """{"v":"0o17777777777777777777777777"}""")]
    [InlineData("v: 0o17\n", """{"v":15}""")]
    [InlineData("v: 0xFFFFFFFFFFFFFFFF\n", """{"v":18446744073709551615}""")]
    [InlineData("v: 007\n", """{"v":7}""")]
    [InlineData("v: +.5e3\n", """{"v":0.5e3}""")]
    [InlineData("v: !!str 3\n", """{"v":"3"}""")]
    [InlineData("v: ~\n", """{"v":null}""")]
    [InlineData("v: \"3\"\n", """{"v":"3"}""")]
    public void ConvertSingle_Scalars_TypedByTheCoreSchema(string yaml, string json)
    {
        Assert.Equal(json, Encoding.UTF8.GetString(YamlToJson.ConvertSingle(yaml)));
    }

    [Fact]
    public void ConvertDocuments_CommentOnlyDocuments_AreSkipped()
    {
        var documents = YamlToJson.ConvertDocuments("# nothing\n---\n---\na: 1\n---\n# end\n");

        var document = Assert.Single(documents);
        Assert.Equal(4, document.Line);
    }
}
