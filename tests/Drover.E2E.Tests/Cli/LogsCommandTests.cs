using Drover.Api;
using Drover.Api.Client;
using Drover.Testing;

namespace Drover.E2E.Cli.Tests;

/// <summary>`drover logs` against a real droverd, for what fails before any node is asked (the rest: Drover.Agent.Tests, Logs/).</summary>
[Trait("Category", "Process")]
public sealed class LogsCommandTests(DroverdFixture fixture) : IClassFixture<DroverdFixture>
{
    private readonly DroverdProcess _server = fixture.Server;
    private readonly DroverClient _client = fixture.Server.Client();

    [Fact]
    public async Task Logs_SeveralContainersWithoutC_ExitsOneWithServerMessage()
    {
        var name = $"two-{Guid.NewGuid().ToString("N")[..8]}";
        await _client.CreateAsync(ResourceTypes.Pods, new Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new ObjectMeta { Name = name, Namespace = "default" },
            Spec = new PodSpec { NodeName = "n1", Containers = [new Container { Name = "a", Image = "x" }, new Container { Name = "b", Image = "x" }] },
        });

        var result = await CliRunner.RunAsync(_server, "logs", name);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Equal($"Error from server (BadRequest): a container name must be specified for pod {name}, choose one of: [a b]\n", result.Stderr);
    }

    [Fact]
    public async Task Logs_BadTail_ExitsOneNamingTailLines()
    {
        var result = await CliRunner.RunAsync(_server, "logs", "any", "--tail", "-5");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("tailLines: Invalid value: \"-5\": must be greater than or equal to 0", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_DeploymentArgument_ExitsOneSayingPodsOnly()
    {
        var result = await CliRunner.RunAsync(_server, "logs", "deploy/my-app");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: drover logs reads pods; \"deploy/my-app\" names a Deployment\n", result.Stderr);
    }
}
