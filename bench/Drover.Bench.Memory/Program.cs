using System.Diagnostics;
using System.Globalization;
using System.Text;
using Drover.Api;
using Drover.Bench.Memory;
using Drover.Testing;

// Memory that comes back (docs/BENCHMARKS.md): a one-node cluster (published droverd, drover-agent, drover-ingress, a
// private containerd as node INDEX), the seed app behind the ingress, then two bursts; each daemon's VmRSS is printed at
// idle, at the burst's peak, and 10, 30 and 60 s after the burst ended. At the end droverd is restarted on the same
// data: its idle RSS then is the floor the first figure is compared with.
//   dotnet Drover.Bench.Memory.dll --bin artifacts/bin [--node 53] [--objects 1000] [--kib 100] [--pods 20]
//       [--ingresses 100] [--watches 1000] [--connections 256] [--log-follows 30] [--hold 20] [--out DIR] [--work DIR]
var bin = BenchArgs.Value(args, "--bin", null);
var nodeIndex = Int("--node", 53);
var objects = Int("--objects", 1000);
var kib = Int("--kib", 100);
var pods = Int("--pods", 20);
var ingresses = Int("--ingresses", 100);
var watches = Int("--watches", 1000);
var connections = Int("--connections", 256);
var logFollows = Int("--log-follows", 30);
var hold = TimeSpan.FromSeconds(Int("--hold", 20));
var outDir = BenchArgs.Value(args, "--out", null);
var work = BenchArgs.Value(args, "--work", null);
const string Host = "app.memory.example";
int[] after = [10, 30, 60];

var binaries = bin is null ? DroverBinaries.Built : DroverBinaries.Published(bin);
Console.Error.WriteLine($"==> starting droverd and node-{nodeIndex} from {binaries.BinDirectory ?? "the built dlls"}");
await using var cluster = await TestCluster.StartAsync(new TestClusterOptions { NodeIndexes = [nodeIndex], Binaries = binaries, WorkDirectory = work });
await using var ingress = await IngressProcess.StartAsync(binaries, cluster.Droverd.IngressConfigPath);
var node = cluster.Nodes[0];
var report = new StringBuilder();
try
{
    var applied = await cluster.CliAsync("apply", "-f", SeedManifests.WriteBehindIngress(Path.Combine(cluster.WorkDirectory, "manifests"), Host));
    if (applied.ExitCode != 0)
        return Fail("drover apply failed:\n" + applied);
    await cluster.WaitAsync(async api => (await cluster.ListPodsAsync(api, "default", SeedManifests.Selector)).Count(TestCluster.IsReady) == 3,
        TimeSpan.FromMinutes(3), "3 ready my-app replicas");
    using (var probe = IngressHttp.Client(ingress.HttpPort))
        await IngressHttp.EventuallyAsync(async () => await Answers(probe), TimeSpan.FromMinutes(1), "the app answering through the ingress");

    await using var recorder = new RssRecorder(
    [
        ("droverd", () => cluster.Droverd.HasExited ? null : cluster.Droverd.Id),
        ("drover-agent", () => node.Agent is { HasExited: false } agent ? agent.Id : null),
        ("drover-ingress", () => ingress.HasExited ? null : ingress.Id),
    ]);
    Console.Error.WriteLine("==> idle 30 s");
    await Task.Delay(TimeSpan.FromSeconds(30));
    var idle = recorder.Now();

    var rows = new List<(string Burst, Dictionary<string, long> Before, Dictionary<string, long> Peak, List<Dictionary<string, long>> After, TimeSpan Took, string? Note)>();
    async Task MeasureAsync(string name, Func<Task<string?>> burst)
    {
        var before = recorder.Now();
        recorder.ResetPeaks();
        Console.Error.WriteLine($"==> burst: {name}");
        var clock = Stopwatch.StartNew();
        var note = await burst();
        var took = clock.Elapsed;
        var peak = recorder.Peaks();
        var ended = Stopwatch.StartNew();
        var samples = new List<Dictionary<string, long>>();
        foreach (var seconds in after)
        {
            var wait = TimeSpan.FromSeconds(seconds) - ended.Elapsed;
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait);
            samples.Add(recorder.Now());
        }
        rows.Add((name, before, peak, samples, took, note));
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    took {took.TotalSeconds:0} s; {note}"));
        foreach (var daemon in recorder.Names)
            Console.Error.WriteLine($"    {daemon}: before {M(before[daemon])}, peak {M(peak[daemon])}, after {string.Join(" / ", samples.Select(a => M(a[daemon])))} MiB");
    }

    var large = new LargeObjectBurst(cluster, node.Name, objects, kib, pods, ingresses);
    await MeasureAsync("large objects", async () => { await large.RunAsync(); return null; });
    var streams = new WatchBurst(cluster, ingress, Host, watches, connections, logFollows, hold);
    await MeasureAsync("watches and connections", async () => await streams.RunAsync());

    Console.Error.WriteLine("==> droverd restarted on the same data, idle 30 s");
    await cluster.Droverd.StopAsync();
    await cluster.Droverd.StartAgainAsync();
    await Task.Delay(TimeSpan.FromSeconds(30));
    var restarted = recorder.Now()["droverd"];

    report.AppendLine(CultureInfo.InvariantCulture, $"Bursts: (1) large objects — {large.Describe()}. (2) watches and connections — {streams.Describe()}.");
    report.AppendLine();
    report.AppendLine("| Burst | Daemon | Idle at start | Before the burst | Peak | +10 s | +30 s | +60 s | +60 s − idle at start |");
    report.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
    foreach (var row in rows)
    {
        foreach (var daemon in recorder.Names)
        {
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.Burst} ({row.Took.TotalSeconds:0} s) | {daemon} | {M(idle[daemon])} | {M(row.Before[daemon])} | {M(row.Peak[daemon])} | {string.Join(" | ", row.After.Select(a => M(a[daemon])))} | {M(row.After[^1][daemon] - idle[daemon])} |");
        }
    }
    report.AppendLine();
    report.AppendLine(CultureInfo.InvariantCulture, $"RSS in MiB (VmRSS). droverd restarted on the same data, 30 s idle: {M(restarted)} MiB.");
    foreach (var row in rows.Where(r => r.Note is not null))
        report.AppendLine(CultureInfo.InvariantCulture, $"{row.Burst}: {row.Note}.");
    Console.Write(report.ToString());

    if (outDir is not null)
    {
        Directory.CreateDirectory(outDir);
        await File.WriteAllTextAsync(Path.Combine(outDir, "memory-droverd.log"), cluster.Droverd.Output);
        await File.WriteAllTextAsync(Path.Combine(outDir, "memory-agent.log"), node.Log);
        await File.WriteAllTextAsync(Path.Combine(outDir, "memory-ingress.log"), ingress.Output);
    }
    return 0;
}
catch (Exception e) when (e is TimeoutException or InvalidOperationException or Drover.Api.Client.ApiClientException)
{
    return Fail(e.ToString());
}

static async Task<bool> Answers(HttpClient http)
{
    try
    {
        using var response = await http.GetAsync(new Uri($"http://{Host}/"));
        return response.IsSuccessStatusCode;
    }
    catch (HttpRequestException)
    {
        return false;
    }
}

static string M(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);

int Int(string name, int fallback) => int.Parse(BenchArgs.Value(args, name, fallback.ToString(CultureInfo.InvariantCulture))!, CultureInfo.InvariantCulture);

static int Fail(string message)
{
    Console.Error.WriteLine("bench memory: " + message);
    return 1;
}
