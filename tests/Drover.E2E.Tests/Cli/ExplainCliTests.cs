using Drover.Api;
using Drover.Testing;

namespace Drover.E2E.Cli.Tests;

/// <summary>
/// `drover explain` against a real droverd, compared byte for byte with what the real kubectl 1.32 prints from the same
/// server's /openapi/v3: stdout, stderr and the exit code, for kinds, fields through refs, lists and enums, --recursive,
/// --api-version and each error.
/// </summary>
[Trait("Category", "Process")]
public sealed class ExplainCliTests(DroverdFixture fixture) : IClassFixture<DroverdFixture>
{
    private readonly DroverdProcess _server = fixture.Server;
    private readonly Kubectl _kubectl = new(fixture.Server.ClientConfigPath);

    [Theory]
    [InlineData("deployment")]
    [InlineData("deployment.spec.strategy")]
    [InlineData("deployments.apps.spec.strategy.rollingUpdate.maxSurge")]
    [InlineData("pods.spec.containers")]
    [InlineData("pods.spec.containers.imagePullPolicy")]
    [InlineData("po.spec.containers.resources.limits")]
    [InlineData("service", "--recursive")]
    [InlineData("hpa.spec.metrics", "--recursive")]
    [InlineData("deploy.metadata.labels")]
    [InlineData("node.status.conditions")]
    [InlineData("deployments.spec.template.spec.containers.ports", "--api-version=apps/v1")]
    public async Task Explain_Path_PrintsAsKubectl(params string[] args)
    {
        var kubectl = await _kubectl.RunAsync(["explain", .. args]);
        var drover = await CliRunner.RunAsync(_server, ["explain", .. args]);

        Assert.True(kubectl.ExitCode == 0, kubectl.ToString());
        Assert.Contains("\nVERSION:    ", kubectl.Stdout, StringComparison.Ordinal);
        Assert.Equal(kubectl.Stdout, drover.Stdout);
        Assert.Equal((0, ""), (drover.ExitCode, drover.Stderr));
    }

    [Theory]
    [InlineData("deployment.spec.strategy.nope")]
    [InlineData("pods.spec.nope.deeper")]
    [InlineData("foo.spec")]
    [InlineData("deployments[0]")]
    [InlineData("deployment", "--api-version=apps/v2")]
    [InlineData("deployment", "--api-version=v1")]
    [InlineData("deployment", "--api-version=a/b/c")]
    [InlineData("deployment", "-o", "json")]
    [InlineData("deployment", "pods")]
    public async Task Explain_BadPath_KubectlsOutputMessageAndExitCode(params string[] args)
    {
        var kubectl = await _kubectl.RunAsync(["explain", .. args]);
        var drover = await CliRunner.RunAsync(_server, ["explain", .. args]);

        Assert.NotEqual(0, kubectl.ExitCode);
        Assert.Equal((kubectl.ExitCode, kubectl.Stdout, kubectl.Stderr), (drover.ExitCode, drover.Stdout, drover.Stderr));
    }

    [Fact]
    public async Task ExplainOpenApiV2_KubectlReadsTheProtobufDocument_DroverRefusesSayingWhy()
    {
        // kubectl's older printer over /openapi/v2 (protobuf): it failed on droverd's Content-Type until it was kube-openapi's.
        var kubectl = await _kubectl.RunAsync("explain", "deployment.spec.strategy", "-o", "plaintext-openapiv2");
        Assert.True(kubectl.ExitCode == 0, kubectl.ToString());
        Assert.StartsWith("KIND:     Deployment\nVERSION:  apps/v1\n\nRESOURCE: strategy <Object>\n", kubectl.Stdout, StringComparison.Ordinal);

        var drover = await CliRunner.RunAsync(_server, "explain", "deployment.spec.strategy", "-o", "plaintext-openapiv2");
        Assert.Equal(1, drover.ExitCode);
        Assert.Contains("drover explain renders plaintext only", drover.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_EveryKindRecursive_PrintsAsKubectl()
    {
        var differing = new List<string>();
        foreach (var type in ResourceTypes.All)
        {
            // --api-version names the group version: metrics.k8s.io serves "pods" and "nodes" too, and kubectl takes
            // "pods.metrics.k8s.io" as the core pods' fields "metrics", "k8s", "io".
            string[] args = ["explain", type.Plural, "--api-version=" + type.ApiVersion, "--recursive"];
            var kubectl = await _kubectl.RunAsync(args);
            var drover = await CliRunner.RunAsync(_server, args);
            Assert.True(kubectl.ExitCode == 0, $"{type.ApiVersion} {type.Plural}: {kubectl}");
            if (kubectl.Stdout != drover.Stdout || drover.ExitCode != 0)
                differing.Add($"{type.ApiVersion} {type.Plural}: drover exit {drover.ExitCode}, {drover.Stderr}");
        }
        Assert.Empty(differing);
    }
}
