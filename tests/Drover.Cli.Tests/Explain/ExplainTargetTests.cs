using Drover.Cli.Explain;

namespace Drover.Cli.Explain.Tests;

/// <summary>The argument of `explain` split as kubectl 1.32 splits it (messages checked against the real kubectl).</summary>
public class ExplainTargetTests
{
    [Theory]
    [InlineData("deployment", null, "apps", "v1", "deployments", "")]
    [InlineData("deployments.apps.spec.strategy", null, "apps", "v1", "deployments", "spec.strategy")]
    [InlineData("deploy.spec.strategy", null, "apps", "v1", "deployments", "spec.strategy")]
    [InlineData("Deployment.spec", null, "apps", "v1", "deployments", "spec")]
    [InlineData("pods.spec.containers.imagePullPolicy", null, "", "v1", "pods", "spec.containers.imagePullPolicy")]
    [InlineData("po.spec.", null, "", "v1", "pods", "spec")]
    // The argument starts with "deployments.apps": what follows it is the path, even without a dot.
    [InlineData("deployments.appsx", null, "apps", "v1", "deployments", "")]
    // With --api-version there is no prefix matching: "apps" is a field; the given group version wins.
    [InlineData("deployments.apps.spec", "apps/v2", "apps", "v2", "deployments", "apps.spec")]
    [InlineData("pods", "v1", "", "v1", "pods", "")]
    public void Parse_Argument_ResourceAndFieldPathAsKubectl(string argument, string? apiVersion, string group, string version, string resource, string path)
    {
        var target = ExplainTarget.Parse(argument, apiVersion);

        Assert.Equal((group, version, resource), (target.Group, target.Version, target.Resource));
        Assert.Equal(path, string.Join('.', target.FieldPath));
    }

    [Fact]
    public void Parse_CoreResource_NamesAsKubectlsGvrAndOpenApiPath()
    {
        var target = ExplainTarget.Parse("pods", null);

        Assert.Equal("/v1, Resource=pods", target.GroupVersionResource);
        Assert.Equal("api/v1", target.OpenApiPath);
        Assert.Equal("apis/apps/v1", ExplainTarget.Parse("deployments", null).OpenApiPath);
    }

    [Theory]
    [InlineData("foo.spec", null, "the server doesn't have a resource type \"foo\"")]
    [InlineData("deployments[0]", null, "error: invalid jsonpath syntax, first node must be field node")]
    [InlineData("deployments..spec", null, "error: invalid jsonpath syntax, first node must be field node")]
    [InlineData("deployments.spec[0]", "apps/v1", "error: invalid jsonpath syntax, all nodes must be field nodes")]
    [InlineData("deployments", "a/b/c", "error: unexpected GroupVersion string: a/b/c")]
    public void Parse_BadArgument_KubectlsMessage(string argument, string? apiVersion, string message) =>
        Assert.Equal(message, Assert.Throws<CliException>(() => ExplainTarget.Parse(argument, apiVersion)).Message);
}
