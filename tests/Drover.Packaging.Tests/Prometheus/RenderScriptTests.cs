using Drover.Testing;

namespace Drover.Packaging.Prometheus.Tests;

/// <summary>packaging/prometheus/render.sh refuses bad input with a message naming it (exit 2), and leaves no placeholder behind.</summary>
[Trait("Category", "Process")]
public sealed class RenderScriptTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("drover-render-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    [Theory]
    [InlineData("--server 127.0.0.1:6443", "--data-dir is required")]
    [InlineData("--data-dir DATA", "--server HOST:PORT is required")]
    [InlineData("--data-dir DATA --server not-a-host-port", "--server 'not-a-host-port' is not HOST:PORT")]
    [InlineData("--data-dir DATA --server 127.0.0.1:6443 --scrape-interval soon", "--scrape-interval 'soon' is not a duration")]
    [InlineData("--data-dir DATA --server 127.0.0.1:6443 --bogus", "unknown argument '--bogus'")]
    [InlineData("--data-dir DATA/missing --server 127.0.0.1:6443", "/missing' is not a directory")]
    public async Task Render_BadInput_Exit2NamingIt(string args, string message)
    {
        var (code, output) = await RenderAsync(args.Replace("DATA", _dataDir, StringComparison.Ordinal).Split(' '));
        Assert.Equal(2, code);
        Assert.Contains(message, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_DataDirWithoutMetricsToken_SaysStartDroverdFirst()
    {
        var (code, output) = await RenderAsync("--data-dir", _dataDir, "--server", "127.0.0.1:6443");
        Assert.Equal(2, code);
        Assert.Contains("credentials/metrics-token is missing", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_GoodInput_EveryPlaceholderFilled()
    {
        Directory.CreateDirectory(Path.Combine(_dataDir, "credentials"));
        Directory.CreateDirectory(Path.Combine(_dataDir, "pki"));
        await File.WriteAllTextAsync(Path.Combine(_dataDir, "credentials", "metrics-token"), "drover-metrics:x\n");
        await File.WriteAllTextAsync(Path.Combine(_dataDir, "pki", "ca.crt"), "not checked by the syntax check\n");

        var (code, output) = await RenderAsync("--data-dir", _dataDir, "--server", "10.0.0.1:6443", "--ingress", "10.0.0.1:10254", "--scrape-interval", "5s");

        Assert.True(code == 0, output);
        Assert.DoesNotMatch("@[A-Z_]+@", output);
        Assert.Contains("url: https://10.0.0.1:6443/drover/v1/prometheus/agents", output, StringComparison.Ordinal);
        Assert.Contains($"credentials_file: {_dataDir}/credentials/metrics-token", output, StringComparison.Ordinal);
        Assert.Contains("targets: [\"10.0.0.1:10254\"]", output, StringComparison.Ordinal);
        Assert.Contains("scrape_interval: 5s", output, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output)> RenderAsync(params string[] args)
    {
        var script = Path.Combine(RepoPaths.Root, "packaging", "prometheus", "render.sh");
        var result = await ProcessRunner.RunAsync(ProcessRunner.Command("bash", [script, .. args]), TimeSpan.FromMinutes(1));
        return (result.ExitCode, result.Stdout + result.Stderr);
    }
}
