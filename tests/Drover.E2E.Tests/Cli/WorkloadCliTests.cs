using Drover.Api;
using Drover.Api.Client;
using Drover.Testing;

namespace Drover.E2E.Cli.Tests;

/// <summary>`set image` and `scale` through the built CLI against a real droverd.</summary>
[Trait("Category", "Process")]
public sealed class WorkloadCliTests(DroverdFixture fixture) : IClassFixture<DroverdFixture>
{
    private readonly DroverdProcess _server = fixture.Server;
    private readonly DroverClient _client = fixture.Server.Client();

    private async Task<Deployment> DeploymentAsync(string ns) => await _client.GetAsync(ResourceTypes.Deployments, ns, "my-app");

    [Theory]
    [InlineData("deployment/my-app")]
    [InlineData("deployments/my-app")]
    [InlineData("deploy/my-app")]
    [InlineData("deployment my-app")]
    public async Task SetImage_AnyResourceForm_ChangesTemplateImageAndGeneration(string resource)
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var before = await CliStandIns.SeedDeploymentAsync(_server, _client, ns);
        var result = await CliRunner.RunAsync(_server, ["set", "image", .. resource.Split(' '), "app=my-app:v2.0", "-n", ns]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("deployment.apps/my-app image updated\n", result.Stdout);
        var after = await DeploymentAsync(ns);
        Assert.Equal("my-app:v2.0", after.Spec.Template.Spec.Containers[0].Image);
        Assert.Equal(before.Metadata.Generation + 1, after.Metadata.Generation);
    }

    [Fact]
    public async Task SetImage_UnknownContainer_NamesItAndAvailableAndChangesNothing()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await CliStandIns.SeedDeploymentAsync(_server, _client, ns);
        var result = await CliRunner.RunAsync(_server, "set", "image", "deployment/my-app", "web=my-app:v2.0", "-n", ns);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("unable to find container named \"web\" in deployment.apps/my-app (containers: app)", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("my-app:v1.0", (await DeploymentAsync(ns)).Spec.Template.Spec.Containers[0].Image);
    }

    [Fact]
    public async Task SetImage_MissingDeployment_NotFoundExitNonZero()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        var result = await CliRunner.RunAsync(_server, "set", "image", "deployment/nope", "app=x:1", "-n", ns);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Error from server (NotFound): deployments.apps \"nope\" not found", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scale_Deployment_SetsReplicasThroughScaleSubresource()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await CliStandIns.SeedDeploymentAsync(_server, _client, ns);
        var result = await CliRunner.RunAsync(_server, "scale", "deployment/my-app", "--replicas=5", "-n", ns);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("deployment.apps/my-app scaled\n", result.Stdout);
        Assert.Equal(5, (await DeploymentAsync(ns)).Spec.Replicas);
    }

    [Fact]
    public async Task Scale_CurrentReplicasPrecondition_AppliedOnlyWhenItHolds()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await CliStandIns.SeedDeploymentAsync(_server, _client, ns);
        var refused = await CliRunner.RunAsync(_server, "scale", "deploy/my-app", "--replicas=1", "--current-replicas=2", "-n", ns);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("error: Expected replicas to be 2, was 3", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(3, (await DeploymentAsync(ns)).Spec.Replicas);

        var accepted = await CliRunner.RunAsync(_server, "scale", "deploy/my-app", "--replicas=1", "--current-replicas=3", "-n", ns);
        Assert.True(accepted.ExitCode == 0, accepted.ToString());
        Assert.Equal(1, (await DeploymentAsync(ns)).Spec.Replicas);
    }

    [Fact]
    public async Task Scale_ReplicaSet_SetsReplicas()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await CliStandIns.ReplicaSetAsync(_client, ns, "stand-in-rs", 1);
        var result = await CliRunner.RunAsync(_server, "scale", "replicaset", "stand-in-rs", "--replicas=0", "-n", ns);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("replicaset.apps/stand-in-rs scaled\n", result.Stdout);
        Assert.Equal(0, (await _client.GetAsync(ResourceTypes.ReplicaSets, ns, "stand-in-rs")).Spec.Replicas);
    }

    [Fact]
    public async Task Scale_NegativeReplicas_ClearErrorAndUnchanged()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await CliStandIns.SeedDeploymentAsync(_server, _client, ns);
        var result = await CliRunner.RunAsync(_server, "scale", "deployment/my-app", "--replicas=-1", "-n", ns);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--replicas=-1", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(3, (await DeploymentAsync(ns)).Spec.Replicas);
    }

    [Fact]
    public async Task LabelAnnotatePatch_Deployment_AsKubectl()
    {
        var ns = await TestNamespaces.CreateAsync(_client);
        await CliStandIns.SeedDeploymentAsync(_server, _client, ns);

        Assert.Equal("deployment.apps/my-app labeled\n", (await CliRunner.RunAsync(_server, "label", "deployment", "my-app", "tier=web", "-n", ns)).Stdout);
        var refused = await CliRunner.RunAsync(_server, "label", "deployment/my-app", "tier=db", "-n", ns);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("'tier' already has a value (web), and --overwrite is false", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal("deployment.apps/my-app labeled\n", (await CliRunner.RunAsync(_server, "label", "deployment/my-app", "tier=db", "--overwrite", "-n", ns)).Stdout);
        Assert.Equal("deployment.apps/my-app not labeled\n", (await CliRunner.RunAsync(_server, "label", "deployment/my-app", "tier=db", "-n", ns)).Stdout);
        Assert.Equal("deployment.apps/my-app annotated\n", (await CliRunner.RunAsync(_server, "annotate", "deployment/my-app", "owner=edge team", "-n", ns)).Stdout);
        var patched = await CliRunner.RunAsync(_server, "patch", "deployment/my-app", "-n", ns, "-p", "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"my-app:v3.0\"}]}}}}");
        Assert.True(patched.ExitCode == 0, patched.ToString());
        Assert.Equal("deployment.apps/my-app patched\n", patched.Stdout);
        Assert.Equal("deployment.apps/my-app patched (no change)\n", (await CliRunner.RunAsync(_server, "patch", "deployment/my-app", "-n", ns, "--type", "merge", "-p", "metadata:\n  labels:\n    tier: db\n")).Stdout);
        var jsonPatch = await CliRunner.RunAsync(_server, "patch", "deployment/my-app", "-n", ns, "--type", "json", "-p", "[{\"op\":\"remove\",\"path\":\"/metadata/labels/tier\"}]");
        Assert.True(jsonPatch.ExitCode == 0, jsonPatch.ToString());

        var after = await _client.GetAsync(ResourceTypes.Deployments, ns, "my-app");
        Assert.False(after.Metadata.Labels?.ContainsKey("tier") ?? false);
        Assert.Equal("edge team", after.Metadata.Annotations!["owner"]);
        var deployment = (Deployment)after;
        Assert.Equal("my-app:v3.0", deployment.Spec!.Template!.Spec!.Containers![0].Image);
        var badType = await CliRunner.RunAsync(_server, "patch", "deployment/my-app", "-n", ns, "--type", "xml", "-p", "{}");
        Assert.Equal(1, badType.ExitCode);
        Assert.Contains("--type must be one of [json merge strategic]", badType.Stderr, StringComparison.Ordinal);
    }
}
