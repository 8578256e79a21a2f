using Drover.Api;
using Drover.Cli.Arguments;

namespace Drover.Cli.Arguments.Tests;

public sealed class ResourceArgumentsTests
{
    private static readonly IReadOnlyList<ResourceType> Deployments = [ResourceTypes.Deployments];
    private static readonly IReadOnlyList<ResourceType> Scalable = [ResourceTypes.Deployments, ResourceTypes.ReplicaSets];

    [Theory]
    [InlineData("deployment/my-app")]
    [InlineData("deployments/my-app")]
    [InlineData("deploy/my-app")]
    [InlineData("deployment.apps/my-app")]
    [InlineData("Deployment/my-app")]
    public void Parse_TypeSlashName_NamesTheDeployment(string arg)
    {
        var target = Assert.Single(ResourceArguments.Parse([arg], "rollout status", Deployments));
        Assert.Same(ResourceTypes.Deployments, target.Type);
        Assert.Equal("my-app", target.Name);
        Assert.Equal("deployment.apps/my-app", target.Display);
        Assert.Equal("deployments.apps \"my-app\"", target.Quoted);
    }

    [Fact]
    public void Parse_TypeThenNames_NamesEach()
    {
        var targets = ResourceArguments.Parse(["deployment", "a", "b"], "rollout restart", Deployments);
        Assert.Equal(["a", "b"], targets.Select(t => t.Name));
    }

    [Fact]
    public void Parse_SeveralSlashForms_MixesKinds()
    {
        var targets = ResourceArguments.Parse(["deploy/a", "rs/b"], "scale", Scalable);
        Assert.Equal([ResourceTypes.Deployments, (ResourceType)ResourceTypes.ReplicaSets], targets.Select(t => t.Type));
    }

    [Fact]
    public void Parse_Nothing_SaysResourceRequired()
    {
        var e = Assert.Throws<CliException>(() => ResourceArguments.Parse([], "rollout status", Deployments));
        Assert.Contains("required resource not specified", e.Message, StringComparison.Ordinal);
        Assert.Contains("deployment/NAME", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TypeWithoutName_SaysNoNameGiven()
    {
        var e = Assert.Throws<CliException>(() => ResourceArguments.Parse(["deployment"], "rollout status", Deployments));
        Assert.StartsWith("error: resource(s) were provided, but no name was specified", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnsupportedKind_NamesKindArgumentAndSupported()
    {
        var e = Assert.Throws<CliException>(() => ResourceArguments.Parse(["pod/web"], "scale", Scalable));
        Assert.Equal("error: scale does not support pods (\"pod/web\"); it works on deployments or replicasets", e.Message);
    }

    [Fact]
    public void Parse_UnknownKind_UsesKubectlWording()
    {
        var e = Assert.Throws<CliException>(() => ResourceArguments.Parse(["frob/x"], "rollout status", Deployments));
        Assert.Equal("error: the server doesn't have a resource type \"frob\"", e.Message);
    }

    [Fact]
    public void Parse_TypeBesideSlashForm_RefusesWithExample()
    {
        var e = Assert.Throws<CliException>(() => ResourceArguments.Parse(["deployment", "deployment/x"], "rollout status", Deployments));
        Assert.StartsWith("error: there is no need to specify a resource type as a separate argument", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("deployment/")]
    [InlineData("/x")]
    [InlineData("deployment/a/b")]
    public void Parse_MalformedSlashForm_NamesTheArgument(string arg)
    {
        var e = Assert.Throws<CliException>(() => ResourceArguments.Parse([arg], "rollout status", Deployments));
        Assert.Contains($"\"{arg}\"", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SingleVerbWithTwo_Refuses()
    {
        var e = Assert.Throws<CliException>(() => ResourceArguments.Parse(["deploy/a", "deploy/b"], "rollout status", Deployments, single: true));
        Assert.Contains("only supported on individual resources - 2 resources", e.Message, StringComparison.Ordinal);
    }
}
