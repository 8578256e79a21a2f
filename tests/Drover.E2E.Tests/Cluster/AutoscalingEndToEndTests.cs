using System.Diagnostics;
using System.Globalization;
using Drover.Api;
using Drover.Testing;
using Xunit.Abstractions;

namespace Drover.E2E.Cluster.Tests;

/// <summary>
/// Issue 6 end to end on real containers: droverd (HPA syncing every second, scale-downs stabilised over 15 s instead
/// of 300 s), one node (containerd 18, its drover-agent reporting CRI usage every second) and drover-ingress, with the
/// seed Deployment, Service and HorizontalPodAutoscaler (min 2, max 10, cpu 70 %) unchanged. CPU load on the sample
/// app's /burn through the ingress must raise the replicas above 2 within 60 s; when it stops, the Deployment goes
/// back to 2 after the window. The replica timeline is written to the test output.
/// </summary>
[Trait("Category", "Process")]
public sealed class AutoscalingEndToEndTests(ITestOutputHelper output)
{
    private const int NodeIndex = 18;
    private const string Host = "my-app.example.com";
    private static readonly TimeSpan DownscaleWindow = TimeSpan.FromSeconds(15);
    private const int LoadClients = 4;
    private const int BurnMilliseconds = 200;

    [Fact]
    public async Task SeedHpa_LoadOnBurnThroughIngress_ScalesAbove2Within60s_BackTo2AfterWindow()
    {
        await using var cluster = await TestCluster.StartAsync(new TestClusterOptions
        {
            NodeIndexes = [NodeIndex],
            DroverdArgs =
            [
                "--horizontal-pod-autoscaler-sync-period", "1s",
                "--horizontal-pod-autoscaler-downscale-stabilization", "15s",
            ],
            AgentArgs = ["--resource-metrics-interval", "1s"],
        });
        await using var ingress = await IngressProcess.StartAsync(cluster.Binaries, cluster.Droverd.IngressConfigPath);
        var manifests = SeedManifests.WriteAutoscalingScenario(Path.Combine(cluster.WorkDirectory, "manifests"), Host);
        var applied = await cluster.CliAsync("apply", "-f", manifests);
        Assert.True(applied.ExitCode == 0, applied.ToString());
        using var api = cluster.Client();
        var timeline = new List<string>();
        var clock = Stopwatch.StartNew();
        // When the HPA last (as far as the samples show) recommended more than 2 replicas. The stabilisation window
        // runs from there, not from the moment the load stops: on a busy machine the spread-out load can already
        // recommend 2 while it is still running.
        TimeSpan? lastRecommendedAbove2 = null;
        string? lastLine = null;
        (int, int?)? lastHpaView = null;
        async Task<(int Spec, int Ready, string Targets)> SampleAsync()
        {
            var deployment = await api.GetAsync(ResourceTypes.Deployments, "default", SeedManifests.DeploymentName);
            var hpa = await api.GetAsync(ResourceTypes.HorizontalPodAutoscalers, "default", "my-app-hpa");
            var utilization = hpa.Status?.CurrentMetrics?.FirstOrDefault()?.Resource?.Current.AverageUtilization;
            var sample = (deployment.Spec.Replicas ?? 1, deployment.Status?.ReadyReplicas ?? 0, utilization is { } u ? $"{u}%/70%" : "<unknown>/70%");
            var line = string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds,6:0.0}s replicas={sample.Item1} ready={sample.Item2} targets={sample.Item3}");
            if (line[8..] != lastLine)
            {
                lastLine = line[8..];
                timeline.Add(line);
            }
            // Timed when first seen: the same status read again a sync later may already be stale.
            if ((sample.Item1, utilization) != lastHpaView)
            {
                lastHpaView = (sample.Item1, utilization);
                if (utilization is { } current && EstimatedRecommendation(sample.Item1, current) > 2)
                    lastRecommendedAbove2 = clock.Elapsed;
            }
            return sample;
        }
        try
        {
            // Idle, the seed's 3 replicas come down to minReplicas 2 once the window has passed.
            await cluster.WaitAsync(async _ => (await SampleAsync()) is { Spec: 2, Ready: 2 }, TimeSpan.FromSeconds(120), "my-app idle at minReplicas 2");
            using var client = IngressHttp.Client(ingress.HttpPort);
            await IngressHttp.EventuallyAsync(async () => (await client.GetAsync($"http://{Host}:{ingress.HttpPort}/")).IsSuccessStatusCode, TimeSpan.FromSeconds(10), "my-app served through the ingress");

            var loadStarted = clock.Elapsed;
            timeline.Add($"{loadStarted.TotalSeconds,6:0.0}s load starts: {LoadClients} clients on /burn/?ms={BurnMilliseconds}");
            using var stopLoad = new CancellationTokenSource();
            var served = 0L;
            var failed = 0L;
            var load = Enumerable.Range(0, LoadClients).Select(_ => Task.Run(async () =>
            {
                while (!stopLoad.IsCancellationRequested)
                {
                    try
                    {
                        using var response = await client.GetAsync($"http://{Host}:{ingress.HttpPort}/burn/?ms={BurnMilliseconds}", stopLoad.Token);
                        Interlocked.Increment(ref response.IsSuccessStatusCode ? ref served : ref failed);
                    }
                    catch (OperationCanceledException) when (stopLoad.IsCancellationRequested)
                    {
                    }
                    catch (HttpRequestException)
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
            })).ToArray();

            await cluster.WaitAsync(async _ => (await SampleAsync()).Spec > 2, TimeSpan.FromSeconds(60), "the HPA to scale my-app above 2 under load");
            var scaledUpAfter = clock.Elapsed - loadStarted;
            lastRecommendedAbove2 ??= clock.Elapsed;
            timeline.Add($"{clock.Elapsed.TotalSeconds,6:0.0}s first scale-up, {scaledUpAfter.TotalSeconds:0.0} s after the load started");
            // Let the new replicas take their share for a while, as a user's load would.
            await cluster.WaitAsync(async _ => { await SampleAsync(); return clock.Elapsed - loadStarted > scaledUpAfter + TimeSpan.FromSeconds(10); }, TimeSpan.FromSeconds(30), "load to run on");
            await stopLoad.CancelAsync();
            await Task.WhenAll(load);
            var loadStopped = clock.Elapsed;
            timeline.Add($"{loadStopped.TotalSeconds,6:0.0}s load stops ({served} requests served, {failed} failed)");

            await cluster.WaitAsync(async _ => (await SampleAsync()) is { Spec: 2 }, DownscaleWindow + TimeSpan.FromSeconds(45), "my-app back to 2 replicas after the window");
            var scaledDownAfter = clock.Elapsed - loadStopped;
            timeline.Add($"{clock.Elapsed.TotalSeconds,6:0.0}s back to 2 replicas, {scaledDownAfter.TotalSeconds:0.0} s after the load stopped");

            Assert.True(scaledUpAfter < TimeSpan.FromSeconds(60));
            // Not before the window: the highest recommendation of the last 15 s holds the replicas up. The samples
            // poll the status, so the last high recommendation they saw may be up to a poll late: 2 s of slack.
            var heldFor = clock.Elapsed - lastRecommendedAbove2!.Value;
            timeline.Add($"{clock.Elapsed.TotalSeconds,6:0.0}s last recommendation above 2 seen {heldFor.TotalSeconds:0.0} s before the scale-down");
            Assert.True(heldFor >= DownscaleWindow - TimeSpan.FromSeconds(2), $"scaled down to 2 only {heldFor.TotalSeconds:0.0} s after the last recommendation above 2, inside the {DownscaleWindow.TotalSeconds} s window");
            var hpa = await api.GetAsync(ResourceTypes.HorizontalPodAutoscalers, "default", "my-app-hpa");
            Assert.NotNull(hpa.Status?.LastScaleTime);
            var top = await cluster.CliAsync("top", "pods");
            Assert.True(top.ExitCode == 0, top.ToString());
            Assert.Contains("my-app-", top.Stdout, StringComparison.Ordinal);
            output.WriteLine(top.Stdout);
        }
        catch
        {
            output.WriteLine(cluster.Diagnostics());
            throw;
        }
        finally
        {
            foreach (var line in timeline)
                output.WriteLine(line);
        }
    }

    /// <summary>
    /// What the HPA recommends for one cpu metric, as seen from its status: ceil(replicas × current / target) outside
    /// the 10 % tolerance, else the current count. It ignores the missing- and unready-pod adjustments, which only
    /// matter while pods start; the scale-up itself is counted as a recommendation above 2 in any case.
    /// </summary>
    private static int EstimatedRecommendation(int replicas, int utilizationPercent)
    {
        var ratio = utilizationPercent / 70.0;
        return Math.Abs(ratio - 1.0) <= 0.1 ? replicas : (int)Math.Ceiling(replicas * ratio);
    }
}
