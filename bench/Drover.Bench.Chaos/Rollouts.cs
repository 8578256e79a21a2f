using System.Diagnostics;
using System.Globalization;
using Drover.Testing;

namespace Drover.Bench.Chaos;

/// <summary>
/// A rolling update of the app every <c>period</c>, alternating its two images, with the published CLI as an operator
/// runs it (`drover set image deployment/my-app app=IMAGE`). While droverd is down the command is retried for up to
/// 30 s; one that never went through is counted.
/// </summary>
internal sealed class Rollouts(TestCluster cluster, Stopwatch clock)
{
    private readonly List<(TimeSpan At, string Image, bool Applied)> _started = [];

    public IReadOnlyList<(TimeSpan At, string Image, bool Applied)> Started
    {
        get
        {
            lock (_started)
                return [.. _started];
        }
    }

    public async Task RunAsync(TimeSpan period, CancellationToken ct)
    {
        var image = SeedManifests.ImageV1;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(period, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            image = image == SeedManifests.ImageV1 ? SeedManifests.ImageV2 : SeedManifests.ImageV1;
            var at = clock.Elapsed;
            var applied = false;
            var deadline = Stopwatch.StartNew();
            while (!applied && deadline.Elapsed < TimeSpan.FromSeconds(30) && !ct.IsCancellationRequested)
            {
                var set = await cluster.CliAsync("set", "image", "deployment/" + SeedManifests.DeploymentName, $"{SeedManifests.ContainerName}={image}").ConfigureAwait(false);
                applied = set.ExitCode == 0;
                if (!applied)
                    await Task.Delay(1000, CancellationToken.None).ConfigureAwait(false);
            }
            lock (_started)
                _started.Add((at, image, applied));
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"+{at.TotalSeconds,6:0.0} s  rolling update to {image}{(applied ? "" : ": NOT APPLIED (droverd did not take it within 30 s)")}"));
        }
    }
}
