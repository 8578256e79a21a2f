using System.Diagnostics;
using System.Globalization;
using Drover.Api;
using Drover.Bench.Cluster;
using Drover.Testing;

// Rolling update of the seed Deployment's 3 replicas on a real three-node cluster (readiness period 1 s, no
// initial delay, maxUnavailable 0): time from `drover set image` starting to `drover rollout status` exiting 0,
// alternating v1 → v2 → v1 …; median and max, and each rollout's timeline from droverd's watches.
//   dotnet Drover.Bench.Cluster.dll --bin artifacts/bin [--rollouts 5] [--nodes 13,14,15] [--out DIR] [--work DIR]
// Nodes 13-15 by default: apart from every containerd test's (the three-node e2e test uses 10-12).
var bin = BenchArgs.Value(args, "--bin", null);
var rollouts = int.Parse(BenchArgs.Value(args, "--rollouts", "5")!, CultureInfo.InvariantCulture);
var nodes = BenchArgs.Value(args, "--nodes", "13,14,15")!.Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToArray();
var outDir = BenchArgs.Value(args, "--out", null);
var work = BenchArgs.Value(args, "--work", null);
if (rollouts < 1)
    return Fail("--rollouts must be at least 1");

var binaries = bin is null ? DroverBinaries.Built : DroverBinaries.Published(bin);
Console.Error.WriteLine($"==> starting droverd and {nodes.Length} nodes ({string.Join(", ", nodes.Select(n => "node-" + n))}) from {binaries.BinDirectory ?? "the built dlls"}");
await using var cluster = await TestCluster.StartAsync(new TestClusterOptions { NodeIndexes = nodes, Binaries = binaries, WorkDirectory = work, AgentArgs = TestCluster.ZeroDowntimeAgentArgs });
try
{
    var applied = await cluster.CliAsync("apply", "-f", SeedManifests.Write(Path.Combine(cluster.WorkDirectory, "manifests")));
    if (applied.ExitCode != 0)
        return Fail("drover apply failed:\n" + applied);
    await SettledAsync(cluster, SeedManifests.ImageV1);

    var clock = Stopwatch.StartNew();
    await using var timeline = new Timeline(clock);
    using var watchApi = cluster.Droverd.Client(Timeout.InfiniteTimeSpan);
    timeline.Start(watchApi);
    await Task.Delay(500);

    var figures = new List<double>();
    for (var i = 1; i <= rollouts; i++)
    {
        var image = i % 2 == 1 ? SeedManifests.ImageV2 : SeedManifests.ImageV1;
        var start = clock.Elapsed;
        var set = await cluster.CliAsync("set", "image", "deployment/" + SeedManifests.DeploymentName, $"{SeedManifests.ContainerName}={image}");
        if (set.ExitCode != 0)
            return Fail("drover set image failed:\n" + set);
        var status = await cluster.CliAsync("rollout", "status", "deployment/" + SeedManifests.DeploymentName, "--timeout", "2m");
        var took = clock.Elapsed - start;
        if (status.ExitCode != 0)
            return Fail("drover rollout status failed:\n" + status + "\n" + cluster.Diagnostics());
        figures.Add(took.TotalSeconds);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rollout {i} (→ {image}): {took.TotalSeconds:0.00} s"));
        await SettledAsync(cluster, image);
        Console.Error.WriteLine(timeline.Since(start));
        await Task.Delay(1000);
    }

    figures.Sort();
    var median = figures[figures.Count / 2];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"rolling update of 3 replicas (set image → rollout status exit 0), {rollouts} rollouts: median {median:0.00} s, max {figures[^1]:0.00} s, min {figures[0]:0.00} s"));
    Console.WriteLine("all: " + string.Join(", ", figures.Select(f => f.ToString("0.00", CultureInfo.InvariantCulture))));
    if (outDir is not null)
    {
        Directory.CreateDirectory(outDir);
        await File.WriteAllTextAsync(Path.Combine(outDir, "cluster-timeline.txt"), timeline.Since(TimeSpan.Zero));
        await File.WriteAllTextAsync(Path.Combine(outDir, "cluster-droverd.log"), cluster.Droverd.Output);
        foreach (var node in cluster.Nodes)
            await File.WriteAllTextAsync(Path.Combine(outDir, $"cluster-{node.Name}.log"), node.Log);
    }
    return 0;
}
catch (Exception e) when (e is TimeoutException or InvalidOperationException)
{
    return Fail(e.Message);
}

// Every replica updated, ready and alone: the old pods' deletion finished, so the next rollout starts clean.
static Task SettledAsync(TestCluster cluster, string image) => cluster.WaitAsync(async api =>
{
    var deployment = await api.GetAsync(ResourceTypes.Deployments, "default", SeedManifests.DeploymentName);
    var pods = await cluster.ListPodsAsync(api, "default", SeedManifests.Selector);
    return deployment.Status is { ReadyReplicas: 3, UpdatedReplicas: 3, Replicas: 3 } && pods.Count == 3
        && pods.All(p => p.Spec.Containers[0].Image == image && p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true);
}, TimeSpan.FromSeconds(120), $"3 ready {image} replicas and no other pod");

static int Fail(string message)
{
    Console.Error.WriteLine("bench cluster: " + message);
    return 1;
}
