using System.Text;
using System.Text.Json.Nodes;
using Drover.Api;

namespace Drover.ControlPlane.Api.Tests;

public sealed class UnknownFieldsTests
{
    private const string Deployment = """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},
         "spec":{"replica":4,"replicas":2,"selector":{"matchLabels":{"a":"b"}},
          "template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"i","imagePullPolicyy":"Always"}]}}}}
        """;

    [Fact]
    public void Decode_Strict_RefusesTheFirstUnknownField()
    {
        var e = Assert.Throws<ManifestException>(() =>
            UnknownFields.Decode(Encoding.UTF8.GetBytes(Deployment), ResourceTypes.Deployments, FieldValidationMode.Strict, out _, []));
        Assert.True(e.UnknownField);
    }

    [Theory]
    [InlineData(FieldValidationMode.Warn)]
    [InlineData(FieldValidationMode.Ignore)]
    public void Decode_WarnOrIgnore_DropsEveryUnknownFieldAndKeepsTheRest(FieldValidationMode mode)
    {
        var dropped = new List<string>();
        var obj = (Deployment)UnknownFields.Decode(Encoding.UTF8.GetBytes(Deployment), ResourceTypes.Deployments, mode, out var type, dropped);

        Assert.Equal(ResourceTypes.Deployments, type);
        Assert.Equal(["spec.replica", "spec.template.spec.containers[0].imagePullPolicyy"], dropped.Order(StringComparer.Ordinal));
        Assert.Equal(2, obj.Spec!.Replicas);
        Assert.Equal("i", obj.Spec.Template!.Spec!.Containers![0].Image);
    }

    [Theory]
    [InlineData("""{"a":{"b":1,"c":2}}""", "a.b", """{"a":{"c":2}}""")]
    [InlineData("""{"a":[{"x":1},{"x":2,"y":3}]}""", "a[1].y", """{"a":[{"x":1},{"x":2}]}""")]
    [InlineData("""{"a":{"b.c":1}}""", "a[b.c]", """{"a":{}}""")]
    public void TryRemove_FieldPath_RemovesThatMember(string json, string path, string expected)
    {
        var root = JsonNode.Parse(json)!;
        Assert.True(UnknownFields.TryRemove(root, path));
        Assert.Equal(expected, root.ToJsonString());
    }

    [Theory]
    [InlineData("a.z")]
    [InlineData("a[5].x")]
    [InlineData("")]
    [InlineData("a[")]
    public void TryRemove_NoSuchMember_False(string path) =>
        Assert.False(UnknownFields.TryRemove(JsonNode.Parse("""{"a":[{"x":1}]}""")!, path));

    [Fact]
    public void WarningHeader_QuotesAndNonAscii_EscapedIntoPrintableAscii()
    {
        Assert.Equal("299 - \"unknown field \\\"spec.x\\\"\"", WarningHeader.Format("unknown field \"spec.x\""));
        var formatted = WarningHeader.Format("é\n" + new string('x', 10_000));
        Assert.StartsWith("299 - \"\\u00e9\\u000a", formatted, StringComparison.Ordinal);
        Assert.True(formatted.Length <= WarningHeader.MaxTextLength + 8);
        Assert.All(formatted, c => Assert.InRange(c, ' ', '~'));
    }
}
