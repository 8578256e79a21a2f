using Drover.Testing;

namespace Drover.E2E.Cli.Tests;

/// <summary>
/// `drover api-resources` against a real droverd, compared line for line with what the real kubectl 1.32 prints from
/// the same server's discovery.
/// </summary>
[Trait("Category", "Process")]
public sealed class DiscoveryCliTests(DroverdFixture fixture) : IClassFixture<DroverdFixture>
{
    private readonly DroverdProcess _server = fixture.Server;
    private readonly Kubectl _kubectl = new(fixture.Server.ClientConfigPath);

    private async Task<string> DroverAsync(params string[] args)
    {
        var result = await CliRunner.RunAsync(_server, args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout;
    }

    [Theory]
    [InlineData]
    [InlineData("-o", "wide")]
    [InlineData("-o", "name")]
    [InlineData("--namespaced=false")]
    [InlineData("--api-group=apps", "--no-headers")]
    [InlineData("--verbs=list,watch", "--sort-by=kind")]
    [InlineData("--categories=all", "--sort-by=name")]
    public async Task ApiResources_Flags_PrintAsKubectl(params string[] flags)
    {
        var kubectl = await _kubectl.SucceedAsync(["api-resources", .. flags]);

        Assert.Equal(kubectl, await DroverAsync(["api-resources", .. flags]));
        Assert.NotEmpty(kubectl);
    }

    [Fact]
    public async Task ApiResources_BadOutputOrSortBy_KubectlsMessage()
    {
        var output = await CliRunner.RunAsync(_server, "api-resources", "-o", "yaml");
        Assert.Equal(1, output.ExitCode);
        Assert.Contains("error: --output yaml is not available", output.Stderr, StringComparison.Ordinal);
        Assert.Contains("error: --output yaml is not available", (await _kubectl.RunAsync("api-resources", "-o", "yaml")).Stderr, StringComparison.Ordinal);

        var sort = await CliRunner.RunAsync(_server, "api-resources", "--sort-by=age");
        Assert.Equal(1, sort.ExitCode);
        Assert.Contains("error: --sort-by accepts only name or kind", sort.Stderr, StringComparison.Ordinal);
        Assert.Contains("error: --sort-by accepts only name or kind", (await _kubectl.RunAsync("api-resources", "--sort-by=age")).Stderr, StringComparison.Ordinal);
    }
}
