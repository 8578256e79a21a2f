using Drover.Testing;
using Xunit.Abstractions;

namespace Drover.E2E.Cluster.Tests;

/// <summary>
/// The short chaos soak (bench/chaos.sh, MINUTES=2) as CI runs it: three nodes on this host (INDEXes 50-52), the seed
/// app behind the ingress under load, a rolling update a minute and a seeded fault every 20 s. Asserted: the summary
/// is printed and no acknowledged API write was lost. Its timings are figures for docs/BENCHMARKS.md, never assertions.
/// Needs root, containerd and the published binaries (./build.sh test publishes them first); run under the machine's
/// e2e lock like every containerd test, which is why the script is told not to take it again.
/// </summary>
[Trait("Category", "Process")]
public sealed class ChaosSoakScriptTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ChaosScript_TwoMinutes_PrintsTheSummaryAndLosesNoAcknowledgedWrite()
    {
        foreach (var binary in new[] { "droverd", "drover-agent", "drover-ingress", "drover" })
        {
            var path = Path.Combine(RepoPaths.Root, "artifacts", "bin", binary);
            if (!File.Exists(path))
                throw new FileNotFoundException($"{path} is missing: run ./build.sh publish (./build.sh test does) first", path);
        }
        var info = ProcessRunner.Command("bash", [Path.Combine(RepoPaths.Root, "bench", "chaos.sh")]);
        info.Environment["MINUTES"] = "2";
        info.Environment["DROVER_E2E_LOCK"] = "off";

        var result = await ProcessRunner.RunAsync(info, TimeSpan.FromMinutes(25));
        output.WriteLine(result.ToString());

        Assert.Contains("### Chaos soak summary", result.Stdout, StringComparison.Ordinal);
        Assert.Matches(new System.Text.RegularExpressions.Regex("^acknowledged writes lost: 0$", System.Text.RegularExpressions.RegexOptions.Multiline), result.Stdout);
    }
}
