using System.Text;
using System.Text.Json;
using CsCheck;
using Drover.Api;
using Drover.Cli.Output;

using Drover.Cli.Tests;

namespace Drover.Cli.Output.Tests;

public class YamlWriterTests
{
    private static string RoundTrip(string json)
    {
        using var document = JsonDocument.Parse(json);
        var yaml = YamlWriter.Write(document.RootElement);
        return Encoding.UTF8.GetString(YamlToJson.ConvertSingle(yaml));
    }

    private static string Compact(string json)
    {
        using var document = JsonDocument.Parse(json);
        return JsonSerializer.Serialize(document.RootElement, YamlWriterTestJson.Default.JsonElement);
    }

    [Theory]
    [MemberData(nameof(SeedNames))]
    public void Write_SeedManifest_ReadsBackToIdenticalJson(string file)
    {
        var json = Encoding.UTF8.GetString(YamlToJson.ConvertSingle(Seeds.Text(file)));
        Assert.Equal(json, RoundTrip(json));
    }

    [Theory]
    [MemberData(nameof(SeedNames))]
    public void Write_SeedObjectAsKubectlJson_ReadsBackToIdenticalJson(string file)
    {
        // The path `get -o yaml` takes: typed object → indented JSON → YAML.
        var obj = Seeds.Decode(file);
        var type = ResourceTypes.FindByKind(obj.Kind!)!;
        var json = Encoding.UTF8.GetString(type.SerializeToUtf8Bytes(obj));
        Assert.Equal(json, RoundTrip(json));
    }

    public static TheoryData<string> SeedNames() => Seeds.Names();

    [Theory]
    [InlineData("true")]
    [InlineData("false")]
    [InlineData("True")]
    [InlineData("yes")]
    [InlineData("no")]
    [InlineData("on")]
    [InlineData("null")]
    [InlineData("~")]
    [InlineData("123")]
    [InlineData("-1.5")]
    [InlineData("1e3")]
    [InlineData("0x1F")]
    [InlineData("0o17")]
    [InlineData("007")]
    [InlineData(".5")]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(" leading and trailing ")]
    [InlineData("a: b")]
    [InlineData("- x")]
    [InlineData("ends with colon:")]
    [InlineData("<none>")]
    [InlineData("a, b")]
    [InlineData("#comment")]
    [InlineData("key: value # not a comment")]
    [InlineData("*alias")]
    [InlineData("&anchor")]
    [InlineData("!tag")]
    [InlineData("{flow}")]
    [InlineData("[1, 2]")]
    [InlineData("|")]
    [InlineData(">")]
    [InlineData("'single'")]
    [InlineData("\"double\"")]
    [InlineData("line one\nline two")]
    [InlineData("trailing newline\n")]
    [InlineData("\nleading newline")]
    [InlineData("tab\there")]
    [InlineData("2024-01-01T00:00:00Z")]
    [InlineData("250m")]
    [InlineData("my-app:v1.0")]
    [InlineData("héllo ✓")]
    [InlineData("back\\slash")]
    public void Write_TrickyString_ReadsBackAsSameString(string value)
    {
        var json = JsonSerializer.Serialize(new Dictionary<string, string> { ["k"] = value, [value] = "as key" }, YamlWriterTestJson.Default.DictionaryStringString);
        Assert.Equal(Compact(json), RoundTrip(json));
    }

    [Fact]
    public void Write_NumbersBoolsNullsAndEmptyCollections_KeepTheirTypes()
    {
        const string json = """{"i":3,"f":0.25,"n":-7,"t":true,"b":false,"z":null,"m":{},"l":[],"nested":[[1],{"a":[]}]}""";
        Assert.Equal(json, RoundTrip(json));
    }

    [Fact]
    public void Write_KeyOrder_IsKept()
    {
        using var document = JsonDocument.Parse("""{"zeta":1,"alpha":2,"mid":3}""");
        Assert.Equal("zeta: 1\nalpha: 2\nmid: 3\n", YamlWriter.Write(document.RootElement).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Write_Deployment_LooksLikeKubectl()
    {
        using var document = JsonDocument.Parse("""{"apiVersion":"apps/v1","spec":{"containers":[{"name":"app","ports":[{"containerPort":80}]}]}}""");
        Assert.Equal(
            "apiVersion: apps/v1\nspec:\n  containers:\n  - name: app\n    ports:\n    - containerPort: 80\n",
            YamlWriter.Write(document.RootElement).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Write_AnyStringMap_RoundTrips()
    {
        // Characters YAML gives meaning to, digits and letters that spell numbers and booleans.
        var text = Gen.String[Gen.Char[" \n\t:#-'\"{}[]&*!|>%@`,?~.+0123456789eExtrufalsnoyNT\u00e9\u2713"], 0, 12];
        Gen.Dictionary(text, text)[0, 6].Sample(map =>
        {
            var json = JsonSerializer.Serialize(map, YamlWriterTestJson.Default.DictionaryStringString);
            Assert.Equal(Compact(json), RoundTrip(json));
        }, iter: 2000);
    }
}
