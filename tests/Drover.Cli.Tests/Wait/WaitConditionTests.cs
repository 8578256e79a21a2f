using System.Text.Json;
using Drover.Cli.Wait;

namespace Drover.Cli.Wait.Tests;

public sealed class WaitConditionTests
{
    private const string Deployment = """
        {"metadata":{"name":"d"},"status":{"phase":"Running","replicas":3,"conditions":[
          {"type":"Available","status":"True"},{"type":"Progressing","status":"False"}]}}
        """;

    [Theory]
    [InlineData("condition=Available", true)]
    [InlineData("condition=available", true)]
    [InlineData("condition=Progressing", false)]
    [InlineData("condition=Progressing=False", true)]
    [InlineData("condition=Progressing=false", true)]
    [InlineData("condition=Missing", false)]
    [InlineData("jsonpath={.status.phase}=Running", true)]
    [InlineData("jsonpath='{.status.phase}'=Running", true)]
    [InlineData("jsonpath={.status.phase}=Pending", false)]
    [InlineData("jsonpath={.status.replicas}=3", true)]
    [InlineData("jsonpath={.status.phase}", true)]
    [InlineData("jsonpath={.status.missing}", false)]
    [InlineData("jsonpath=.status.phase=Running", true)]
    [InlineData("create", true)]
    [InlineData("delete", false)]
    public void IsMet_OnAnObject_AsKubectl(string spec, bool met)
    {
        using var document = JsonDocument.Parse(Deployment);

        Assert.Equal(met, WaitCondition.Parse(spec).IsMet(document.RootElement));
    }

    [Theory]
    [InlineData("delete", true)]
    [InlineData("create", false)]
    [InlineData("condition=Available", false)]
    public void IsMet_NoObject_OnlyDeleteIsMet(string spec, bool met) =>
        Assert.Equal(met, WaitCondition.Parse(spec).IsMet(null));

    [Theory]
    [InlineData(null, "--for must be given")]
    [InlineData("ready", "unrecognized condition")]
    [InlineData("condition=", "unrecognized condition")]
    [InlineData("jsonpath={.a[}=x", "error parsing jsonpath")]
    public void Parse_Bad_KubectlMessage(string? spec, string message)
    {
        var e = Assert.Throws<CliException>(() => WaitCondition.Parse(spec));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LongerThanTheLimit_Refused() =>
        Assert.Contains("at most", Assert.Throws<CliException>(() => WaitCondition.Parse("jsonpath={." + new string('a', WaitCondition.MaxLength) + "}")).Message, StringComparison.Ordinal);
}
