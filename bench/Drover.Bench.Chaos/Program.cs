using System.Diagnostics;
using System.Globalization;
using Drover.Bench.Chaos;
using Drover.Testing;

// The chaos soak (bench/chaos.sh; docs/BENCHMARKS.md, "Chaos soak"): the seed app (my-app Deployment, its Service and an
// Ingress to it) on three nodes of this host behind drover-ingress, under constant load, with a rolling update every
// minute and every 20 s a seeded random fault (kill -9 of droverd, an agent, a containerd, the ingress or a pod's
// process, or a node's pod network cut). Prints, at the end: acknowledged API writes lost, time to converge per fault kind,
// the ingress's error rate per fault kind, and each daemon's RSS in the first and the last minute.
//   dotnet Drover.Bench.Chaos.dll --bin artifacts/bin [--minutes 10] [--seed N] [--nodes 50,51,52] [--out DIR] [--work DIR]
// Exit 0 when the soak ran to its end with no acknowledged write lost and every fault converged; 1 otherwise.
var bin = BenchArgs.Value(args, "--bin", null);
var minutes = double.Parse(BenchArgs.Value(args, "--minutes", "10")!, CultureInfo.InvariantCulture);
var seed = int.Parse(BenchArgs.Value(args, "--seed", Random.Shared.Next(1, 1_000_000).ToString(CultureInfo.InvariantCulture))!, CultureInfo.InvariantCulture);
var nodes = BenchArgs.Value(args, "--nodes", "50,51,52")!.Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToArray();
var outDir = BenchArgs.Value(args, "--out", null);
var work = BenchArgs.Value(args, "--work", null);
if (minutes is <= 0 or > 24 * 60)
    return Fail("--minutes must be in (0, 1440]");

var faultEvery = TimeSpan.FromSeconds(20);
var rolloutEvery = TimeSpan.FromMinutes(1);
// A fault whose cluster is not whole again by then is reported as not converged (a daemon that does not recover).
var convergeBound = TimeSpan.FromMinutes(3);
var duration = TimeSpan.FromMinutes(minutes);

Console.Error.WriteLine($"==> chaos soak: {minutes.ToString(CultureInfo.InvariantCulture)} min, seed {seed}, nodes {string.Join(",", nodes)}");
var binaries = bin is null ? DroverBinaries.Built : DroverBinaries.Published(bin);
await using var chaos = await ChaosCluster.StartAsync(binaries, nodes, work);
var convergence = new Convergence(chaos);
if (await convergence.WaitAsync(convergeBound) is null)
    return Fail("the seed app never became whole behind the ingress:\n" + chaos.Cluster.Diagnostics());

var random = new Random(seed);
var clock = Stopwatch.StartNew();
using var stop = new CancellationTokenSource();
await using var rss = new RssRecorder(chaos.Daemons(), TimeSpan.FromSeconds(2));
var rssStart = rss.Elapsed;
var load = new IngressLoad(chaos.Ingress, clock, workers: 4, pause: TimeSpan.FromMilliseconds(50));
var ledger = new WriteLedger(chaos.Droverd, new Random(seed + 1));
var rollouts = new Rollouts(chaos.Cluster, clock);
var running = new List<Task>
{
    load.RunAsync(stop.Token),
    ledger.RunAsync(TimeSpan.FromMilliseconds(250), stop.Token),
    chaos.SuperviseAsync(() => clock.Elapsed, stop.Token),
    rollouts.RunAsync(rolloutEvery, stop.Token),
};

var injector = new FaultInjector(chaos, random);
var faults = new List<FaultRecord>();
var nextFault = faultEvery;
while (clock.Elapsed + faultEvery <= duration)
{
    if (nextFault > clock.Elapsed)
        await Task.Delay(nextFault - clock.Elapsed);
    var kind = FaultKinds.All[random.Next(FaultKinds.All.Count)];
    var started = clock.Elapsed;
    string target;
    try
    {
        target = await injector.InjectAsync(kind);
    }
    catch (Exception e) when (e is InvalidOperationException or TimeoutException)
    {
        // The fault's own recovery failed (droverd did not come back within 60 s, say): that is a finding too.
        target = "recovery failed: " + e.Message.Split('\n')[0];
    }
    var over = clock.Elapsed;
    var converged = await convergence.WaitAsync(convergeBound);
    var record = new FaultRecord(kind, target, started, over, converged is { } c ? over + c : null);
    faults.Add(record);
    Console.Error.WriteLine(record.Describe());
    if (converged is null)
        Console.Error.WriteLine(chaos.Cluster.Diagnostics());
    if (kind == FaultKind.DroverdKill && await ledger.VerifyAsync(CancellationToken.None) is > 0 and var lostNow)
        Console.Error.WriteLine($"!! {lostNow} acknowledged write(s) lost after droverd's restart: {string.Join("; ", ledger.Lost.TakeLast(lostNow))}");
    // The next fault 20 s after this one started, never before the cluster is whole again.
    nextFault = started + faultEvery;
}

if (duration > clock.Elapsed)
    await Task.Delay(duration - clock.Elapsed);
var soakEnd = rss.Elapsed;
await stop.CancelAsync();
await Task.WhenAll(running);
var final = await convergence.WaitAsync(convergeBound);
await ledger.VerifyAsync(CancellationToken.None);

var report = new SoakReport(seed, minutes, nodes, faults, load.Requests, ledger, rollouts, rss.Samples, rssStart, soakEnd, chaos.UnexpectedExits, final is not null);
Console.Write(report.Markdown());
if (outDir is not null)
{
    Directory.CreateDirectory(outDir);
    await File.WriteAllTextAsync(Path.Combine(outDir, "chaos-droverd.log"), chaos.Droverd.Output);
    await File.WriteAllTextAsync(Path.Combine(outDir, "chaos-ingress.log"), chaos.Ingress.Output);
    foreach (var node in chaos.Cluster.Nodes)
        await File.WriteAllTextAsync(Path.Combine(outDir, $"chaos-{node.Name}.log"), node.Log);
}
return report.Passed ? 0 : 1;

static int Fail(string message)
{
    Console.Error.WriteLine("bench chaos: " + message);
    return 1;
}
