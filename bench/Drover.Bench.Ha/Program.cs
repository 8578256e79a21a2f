using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Drover.Api;
using Drover.Bench.Ha;
using Drover.Api.Client;
using Drover.Store;
using Drover.Store.Etcd;
using Drover.Testing;

// 1. ConfigMap creates sent at a fixed RATE (default 500/s, open loop: each create is due at its slot whether or not
//    the ones before have answered, and its latency counts from that slot) for COUNT creates, on a droverd over SQLite
//    and on a droverd over a 3-member etcd (loopback), alternated ROUNDS times; RSS of droverd and of each etcd member
//    right after. 2. Failover: 3 droverd replicas on a 3-member etcd; KILLS times, SIGKILL the leader, then measure
//    (a) until a write from a client that was on the killed replica is acknowledged (it fails over), (b) until the
//    Lease names another replica, (c) until a Deployment scaled right after the kill has its pods (the new leader's
//    controllers acting); the killed replica is started again between kills. RSS of every replica and member at the
//    end. --bin DIR: the published Native AOT droverd (what users run); without it the Release build (JIT).
// Markdown to stdout.
var count = 3000;
var rate = 500;
var rounds = 2;
var kills = 5;
var checkPerf = true;
var beside = false;
string? bin = null;
for (var i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--count": count = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--rate": rate = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--rounds": rounds = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--kills": kills = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--bin": bin = args[i + 1]; break;
        case "--check-perf": checkPerf = args[i + 1] != "false"; break;
        case "--beside": beside = args[i + 1] == "true"; break;
        default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
    }
}
var binaries = bin is null ? DroverBinaries.Built : DroverBinaries.Published(bin);
var build = bin is null ? "Release build, JIT" : "Native AOT";

var firstErrors = new List<string>();
var latency = new List<(string Store, int Round, Stats Create, double Achieved, int Errors, double DroverdMb, string EtcdMb)>();
// Where the machine's CPU went during each paced run: the p99 is mostly queueing for the 2 cores.
var cpu = new List<(string Store, int Round, CpuUse Use)>();
var floors = new List<(int Round, Stats Create, double Achieved, int Errors)>();
// etcd's request counters per create, droverd-on-etcd and etcd alone: what each create asks of the members.
var etcdRequests = new List<(string Store, int Round, int Leader, IReadOnlyList<(string Series, double PerCreate)> Counters)>();
var checkPerfOutput = "";
for (var round = 1; round <= rounds; round++)
{
    foreach (var store in new[] { "sqlite", "etcd" })
    {
        Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] round {round}: {store}");
        await using var etcd = store == "etcd" ? await EtcdCluster.StartAsync(members: 3) : null;
        string[] extra = etcd is null ? [] : ["--datastore-endpoint", string.Join(',', etcd.ClientUrls.Select(u => u.ToString().TrimEnd('/')))];
        await using var server = await DroverdProcess.StartFromAsync(binaries, null, extra);
        using var client = server.Client(TimeSpan.FromSeconds(30));
        for (var n = 0; n < 200; n++)
            await client.CreateAsync(ResourceTypes.ConfigMaps, Map($"warm-{n}"));
        var meter = Cpu.Start(server.Id, etcd is null ? [] : [.. Enumerable.Range(0, etcd.Count).Select(m => etcd.ProcessId(m)!.Value)]);
        var requests = etcd is null ? null : await EtcdMetrics.StartAsync(etcd.ClientUrls);
        var (stats, achieved, errors, firstError) = await PacedCreatesAsync(client, count, rate);
        cpu.Add((store, round, meter.Stop(count)));
        if (requests is not null)
            etcdRequests.Add((store, round, requests.Leader, await requests.StopAsync(count)));
        if (firstError is not null)
        {
            // Whether a refusal came from droverd or from below it is in droverd's own log: keep it beside the figures.
            var log = Path.Combine(Path.GetTempPath(), $"bench-ha-droverd-{store}-round{round}-{DateTime.UtcNow:HHmmss}.log");
            await File.WriteAllTextAsync(log, server.Output);
            firstErrors.Add($"round {round} {store}: {firstError} (droverd's log: {log})");
        }
        var etcdMb = etcd is null ? "" : string.Join(" / ", Enumerable.Range(0, etcd.Count).Select(m => Rss(etcd.ProcessId(m)).ToString("0", CultureInfo.InvariantCulture)));
        latency.Add((store, round, stats, achieved, errors, Rss(server.Id), etcdMb));
        Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}]   p50 {stats.P50:0.00} ms p99 {stats.P99:0.00} ms, {achieved:0}/s, {errors} errors{(requests is null ? "" : $", raft leader m{requests.Leader}")}");
        if (etcd is not null)
        {
            // etcd's own floor on the same members, right after: the same creates (a put if absent, one transaction)
            // at the same rate straight from this process through the store's client — no droverd, no HTTP, no JSON.
            await using var direct = await EtcdStore.ConnectAsync(new EtcdStoreOptions { Endpoints = etcd.ClientUrls, KeyPrefix = "/floor" });
            for (var n = 0; n < 200; n++)
                await direct.CreateAsync($"/warm/{n}", FloorValue);
            var floorMeter = Cpu.Start(null, [.. Enumerable.Range(0, etcd.Count).Select(m => etcd.ProcessId(m)!.Value)]);
            var floorRequests = await EtcdMetrics.StartAsync(etcd.ClientUrls);
            var (floorStats, floorAchieved, floorErrors, floorError) = await PacedStoreCreatesAsync(direct, count, rate);
            cpu.Add(("etcd alone", round, floorMeter.Stop(count)));
            etcdRequests.Add(("etcd alone", round, floorRequests.Leader, await floorRequests.StopAsync(count)));
            if (floorError is not null)
                firstErrors.Add($"round {round} etcd floor: {floorError}");
            floors.Add((round, floorStats, floorAchieved, floorErrors));
            Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}]   etcd floor: p50 {floorStats.P50:0.00} ms p99 {floorStats.P99:0.00} ms, {floorAchieved:0}/s, {floorErrors} errors");
            if (round == 1 && checkPerf)
            {
                Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}]   etcdctl check perf --load=s (60 s)");
                checkPerfOutput = await CheckPerfAsync(etcd);
            }
        }
    }
    if (beside)
    {
        // droverd on SQLite while 3 etcd members on the same machine take the same write rate from this process: the
        // CPU the members cost the machine in an etcd run, without droverd's etcd path. What is left between this and
        // droverd on etcd is the etcd path itself; what is between this and SQLite alone is the co-location.
        Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] round {round}: sqlite, etcd busy beside");
        await using var bEtcd = await EtcdCluster.StartAsync(members: 3);
        await using var bServer = await DroverdProcess.StartFromAsync(binaries, null);
        using var bClient = bServer.Client(TimeSpan.FromSeconds(30));
        await using var direct = await EtcdStore.ConnectAsync(new EtcdStoreOptions { Endpoints = bEtcd.ClientUrls, KeyPrefix = "/beside" });
        for (var n = 0; n < 200; n++)
        {
            await bClient.CreateAsync(ResourceTypes.ConfigMaps, Map($"warm-{n}"));
            await direct.CreateAsync($"/warm/{n}", FloorValue);
        }
        var bMeter = Cpu.Start(bServer.Id, [.. Enumerable.Range(0, bEtcd.Count).Select(m => bEtcd.ProcessId(m)!.Value)]);
        var besideLoad = PacedStoreCreatesAsync(direct, count, rate);
        var (bStats, bAchieved, bErrors, bFirstError) = await PacedCreatesAsync(bClient, count, rate);
        var (_, besideAchieved, besideErrors, besideError) = await besideLoad;
        cpu.Add(("sqlite, etcd beside", round, bMeter.Stop(count)));
        if ((bFirstError ?? besideError) is { } bError)
            firstErrors.Add($"round {round} sqlite, etcd beside: {bError}");
        latency.Add(("sqlite, etcd beside", round, bStats, bAchieved, bErrors, Rss(bServer.Id), ""));
        Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}]   p50 {bStats.P50:0.00} ms p99 {bStats.P99:0.00} ms, {bAchieved:0}/s, {bErrors} errors; etcd beside {besideAchieved:0}/s, {besideErrors} errors");
    }
}

Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] failover: starting 3 etcd members and 3 droverd replicas");
var failovers = new List<(double Write, double Lease, double Controllers)>();
var haRss = "";
await using (var ha = await HaCluster.StartAsync(binaries, replicas: 3))
{
    using var admin = ha.Client(TimeSpan.FromSeconds(5));
    await admin.CreateRawAsync(ResourceTypes.Deployments, "default", Encoding.UTF8.GetBytes(
        """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"bench","namespace":"default"},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"bench"}},"template":{"metadata":{"labels":{"app":"bench"}},"spec":{"containers":[{"name":"c","image":"busybox"}]}}}}"""),
        "application/json");
    var replicas = 1;
    for (var k = 1; k <= kills; k++)
    {
        var leader = await Until(async () => await Leader(ha, admin) is var l and >= 0 ? l : (int?)null, TimeSpan.FromSeconds(60));
        await Until(async () => await Pods(admin) == replicas ? true : (bool?)null, TimeSpan.FromSeconds(60));
        var survivor = (leader + 1) % 3;
        using var client = new DroverClient(ha.SettingsStartingAt(survivor), TimeSpan.FromSeconds(5));
        // A writer on the replica about to die, one create in flight, until its first acknowledgement after the kill.
        using var writer = new DroverClient(ha.SettingsStartingAt(leader), TimeSpan.FromSeconds(5));
        var clock = Stopwatch.StartNew();
        using var stopWriter = new CancellationTokenSource();
        var killedAt = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstWrite = Task.Run(async () =>
        {
            for (var n = 0; !stopWriter.IsCancellationRequested; n++)
            {
                var sent = clock.Elapsed;
                try
                {
                    await writer.CreateAsync(ResourceTypes.ConfigMaps, Map($"failover-{k}-{n}"));
                    if (killedAt.Task.IsCompleted && sent > killedAt.Task.Result)
                        return clock.Elapsed - killedAt.Task.Result;
                }
                catch (Exception e) when (e is ApiClientException or HttpRequestException or TaskCanceledException or IOException)
                {
                    // Refused or ambiguous while the replica dies; the next create goes to another one.
                    await Task.Delay(10);
                }
            }
            return TimeSpan.MaxValue;
        });
        await Task.Delay(300);
        killedAt.SetResult(clock.Elapsed);
        ha.Replicas[leader].KillHard();
        var killed = killedAt.Task.Result;
        replicas = replicas == 1 ? 2 : 1;
        await client.PatchScaleAsync(ResourceTypes.Deployments, "default", "bench", replicas);
        double? leaseAt = null;
        double? podsAt = null;
        while ((leaseAt is null || podsAt is null) && clock.Elapsed - killed < TimeSpan.FromSeconds(60))
        {
            if (leaseAt is null && await Leader(ha, client) is var now and >= 0 && now != leader)
                leaseAt = (clock.Elapsed - killed).TotalSeconds;
            if (podsAt is null && await Pods(client) == replicas)
                podsAt = (clock.Elapsed - killed).TotalSeconds;
            await Task.Delay(25);
        }
        var writeAt = await firstWrite.WaitAsync(TimeSpan.FromSeconds(60));
        await stopWriter.CancelAsync();
        Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] kill {k}: replica {leader}; write acknowledged after {writeAt.TotalSeconds:0.00} s, lease moved after {leaseAt:0.00} s, pods after {podsAt:0.00} s");
        failovers.Add((writeAt.TotalSeconds, leaseAt ?? double.NaN, podsAt ?? double.NaN));
        await ha.Replicas[leader].StartAgainAsync();
    }
    await Task.Delay(2000);
    haRss = "droverd " + string.Join(" / ", ha.Replicas.Select(r => Rss(r.Id).ToString("0", CultureInfo.InvariantCulture)))
        + " MB; etcd " + string.Join(" / ", Enumerable.Range(0, ha.Etcd.Count).Select(m => Rss(ha.Etcd.ProcessId(m)).ToString("0", CultureInfo.InvariantCulture))) + " MB";
}

Console.WriteLine($"ConfigMap creates at {rate}/s (open loop, latency from each create's slot), {count} per run after 200 warm-up; droverd ({build}) on SQLite vs on 3 etcd members (loopback), alternated. RSS right after the run.");
Console.WriteLine();
Console.WriteLine("| Run | Store | Create p50 ms | Create p99 ms | Achieved /s | Errors | droverd RSS MB | etcd RSS MB (each member) |");
Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---|");
foreach (var l in latency)
    Console.WriteLine($"| {l.Round} | {l.Store} | {l.Create.P50:0.00} | {l.Create.P99:0.00} | {l.Achieved:0} | {l.Errors} | {l.DroverdMb:0} | {l.EtcdMb} |");
// A run that could not keep up with the rate (the machine was busy) measures its queue, not the store: the ratio is
// per round, and the overall one pools only the rounds where both stores kept up.
bool KeptUp((string Store, int Round, Stats Create, double Achieved, int Errors, double DroverdMb, string EtcdMb) l) => l.Achieved >= 0.95 * rate && l.Errors == 0;
for (var round = 1; round <= rounds; round++)
{
    var s = latency.Single(l => l.Round == round && l.Store == "sqlite");
    var e = latency.Single(l => l.Round == round && l.Store == "etcd");
    Console.WriteLine($"| {round} | etcd / sqlite{(KeptUp(s) && KeptUp(e) ? "" : " (a run fell behind the rate: not pooled)")} | {e.Create.P50 / s.Create.P50:0.00}× | {e.Create.P99 / s.Create.P99:0.00}× | | | | |");
    if (latency.SingleOrDefault(l => l.Round == round && l.Store == "sqlite, etcd beside") is { Store: not null } b)
        Console.WriteLine($"| {round} | etcd / (sqlite, etcd beside) | {e.Create.P50 / b.Create.P50:0.00}× | {e.Create.P99 / b.Create.P99:0.00}× | | | | |");
}
var pooled = Enumerable.Range(1, rounds).Where(r => latency.Where(l => l.Round == r).All(KeptUp)).ToHashSet();
if (pooled.Count > 0)
{
    var sqlite = Stats.Of([.. latency.Where(l => l.Store == "sqlite" && pooled.Contains(l.Round)).SelectMany(l => l.Create.Samples)]);
    var etcdStats = Stats.Of([.. latency.Where(l => l.Store == "etcd" && pooled.Contains(l.Round)).SelectMany(l => l.Create.Samples)]);
    Console.WriteLine($"| {pooled.Count} pooled | sqlite {sqlite.P50:0.00} / {sqlite.P99:0.00} ms, etcd {etcdStats.P50:0.00} / {etcdStats.P99:0.00} ms: etcd / sqlite | {etcdStats.P50 / sqlite.P50:0.00}× | {etcdStats.P99 / sqlite.P99:0.00}× | | | | |");
}
if (floors.Count > 0)
{
    Console.WriteLine();
    Console.WriteLine($"etcd's own floor: the same {count} creates at {rate}/s on the same 3 members, right after each etcd run, straight through the store's gRPC client (one put-if-absent transaction each, 512-byte values): what droverd over etcd cannot go below.");
    Console.WriteLine();
    Console.WriteLine("| Run | etcd direct p50 ms | etcd direct p99 ms | Achieved /s | Errors | floor / droverd-on-etcd p50 | floor / droverd-on-etcd p99 |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
    foreach (var f in floors)
    {
        var e = latency.Single(l => l.Round == f.Round && l.Store == "etcd");
        Console.WriteLine($"| {f.Round} | {f.Create.P50:0.00} | {f.Create.P99:0.00} | {f.Achieved:0} | {f.Errors} | {f.Create.P50 / e.Create.P50:0.00} | {f.Create.P99 / e.Create.P99:0.00} |");
    }
    var floorAll = Stats.Of([.. floors.SelectMany(f => f.Create.Samples)]);
    var etcdAll = Stats.Of([.. latency.Where(l => l.Store == "etcd").SelectMany(l => l.Create.Samples)]);
    var sqliteAll = Stats.Of([.. latency.Where(l => l.Store == "sqlite").SelectMany(l => l.Create.Samples)]);
    Console.WriteLine($"| all pooled | {floorAll.P50:0.00} | {floorAll.P99:0.00} | | | {floorAll.P50 / etcdAll.P50:0.00} | {floorAll.P99 / etcdAll.P99:0.00} |");
    Console.WriteLine();
    Console.WriteLine($"Pooled over every run: SQLite p99 {sqliteAll.P99:0.00} ms, droverd on etcd p99 {etcdAll.P99:0.00} ms ({etcdAll.P99 / sqliteAll.P99:0.00}×), etcd alone p99 {floorAll.P99:0.00} ms " +
        $"({floorAll.P99 / sqliteAll.P99:0.00}× SQLite's droverd: the ≤ 2× target {(floorAll.P99 <= 2 * sqliteAll.P99 ? "leaves room above the floor" : "is below etcd's own floor here")}).");
}
Console.WriteLine();
Console.WriteLine($"CPU during each paced run ({Environment.ProcessorCount} CPUs; /proc/PID/stat and /proc/stat before and after): core-ms per create of droverd, of the 3 etcd members together and of this bench process, and how busy the whole machine was. " +
    "Then how long their threads waited on a run queue for a core, ms per create (/proc/PID/task/*/schedstat): the queueing a busy machine adds to every request's path.");
Console.WriteLine();
Console.WriteLine("| Run | Store | droverd ms/create | etcd ms/create | bench ms/create | machine busy % | droverd waited ms/create | etcd waited | bench waited |");
Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
foreach (var c in cpu)
    Console.WriteLine($"| {c.Round} | {c.Store} | {c.Use.DroverdMs:0.000} | {c.Use.EtcdMs:0.000} | {c.Use.BenchMs:0.000} | {c.Use.MachineBusyPercent:0} | {c.Use.DroverdWaitMs:0.000} | {c.Use.EtcdWaitMs:0.000} | {c.Use.BenchWaitMs:0.000} |");
if (etcdRequests.Count > 0)
{
    Console.WriteLine();
    Console.WriteLine("etcd's own counters (/metrics of each member, summed over the 3) per create during each paced run: gRPC calls and stream messages by method, MVCC operations, fsyncs, bytes. Series that did not move are left out.");
    Console.WriteLine();
    Console.WriteLine($"| Series | {string.Join(" | ", etcdRequests.Select(r => $"{r.Store} {r.Round}"))} |");
    Console.WriteLine($"|---|{string.Concat(etcdRequests.Select(_ => "---:|"))}");
    // A follower forwards the writes it gets to the leader: droverd's store (and the floor's) goes to the leader when
    // it connects; a store built before that preference stays on member 0, its first endpoint.
    Console.WriteLine($"| raft leader at the start (member index) | {string.Join(" | ", etcdRequests.Select(r => r.Leader.ToString(CultureInfo.InvariantCulture)))} |");
    foreach (var series in etcdRequests.SelectMany(r => r.Counters.Select(c => c.Series)).Distinct())
        Console.WriteLine($"| `{series}` | {string.Join(" | ", etcdRequests.Select(r => r.Counters.Where(c => c.Series == series).Select(c => c.PerCreate.ToString("0.###", CultureInfo.InvariantCulture)).FirstOrDefault() ?? ""))} |");
}
if (checkPerfOutput.Length > 0)
{
    Console.WriteLine();
    Console.WriteLine("`etcdctl check perf --load=s` on the same 3 members (round 1, after the runs):");
    Console.WriteLine();
    Console.WriteLine("```");
    Console.WriteLine(checkPerfOutput.Trim());
    Console.WriteLine("```");
}
if (firstErrors.Count > 0)
{
    Console.WriteLine();
    Console.WriteLine($"First errors: {string.Join("; ", firstErrors)}");
}
Console.WriteLine();
Console.WriteLine($"Failover, 3 replicas ({build}) on 3 etcd members, default lease 3 s / renew 2 s / retry 0.5 s, {kills} SIGKILLs of the leader:");
Console.WriteLine();
Console.WriteLine("| | p50 s | max s |");
Console.WriteLine("|---|---:|---:|");
Console.WriteLine($"| kill → first write acknowledged (client that was on the killed replica fails over) | {Median(failovers.Select(f => f.Write))} | {failovers.Max(f => f.Write):0.00} |");
Console.WriteLine($"| kill → Lease held by another replica | {Median(failovers.Select(f => f.Lease))} | {failovers.Max(f => f.Lease):0.00} |");
Console.WriteLine($"| kill → Deployment scaled after the kill has its pods (new leader's controllers) | {Median(failovers.Select(f => f.Controllers))} | {failovers.Max(f => f.Controllers):0.00} |");
Console.WriteLine();
Console.WriteLine($"RSS after the kills (each replica, each member): {haRss}.");
return 0;

static Task<(Stats Stats, double Achieved, int Errors, string? FirstError)> PacedCreatesAsync(DroverClient client, int count, int rate) =>
    PacedAsync(count, rate, n => client.CreateAsync(ResourceTypes.ConfigMaps, Map($"m-{n}")),
        e => e is ApiClientException or HttpRequestException or TaskCanceledException or IOException);

/// <summary>The same paced creates straight into the store: etcd's floor under droverd's figure.</summary>
static Task<(Stats Stats, double Achieved, int Errors, string? FirstError)> PacedStoreCreatesAsync(EtcdStore store, int count, int rate) =>
    PacedAsync(count, rate, n => store.CreateAsync($"/m/{n}", FloorValue),
        e => e is StoreException or TaskCanceledException or IOException);

/// <summary>
/// Open loop: write n is due at n/rate s and timed from then (not from when it was sent), so a slow server shows as
/// latency rather than as a lower offered rate; <paramref name="failed"/> says which errors count as failed writes.
/// </summary>
static async Task<(Stats Stats, double Achieved, int Errors, string? FirstError)> PacedAsync(int count, int rate, Func<int, Task> create, Func<Exception, bool> failed)
{
    var samples = new ConcurrentBag<long>();
    var trace = new ConcurrentBag<(int N, long Latency)>();
    var errors = 0;
    string? firstError = null;
    var start = Stopwatch.GetTimestamp();
    var inFlight = new List<Task>(count);
    for (var n = 0; n < count; n++)
    {
        var due = start + (long)(n * (double)Stopwatch.Frequency / rate);
        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
        if (wait > TimeSpan.FromMilliseconds(1))
            await Task.Delay(wait);
        var index = n;
        inFlight.Add(Task.Run(async () =>
        {
            try
            {
                await create(index);
                var took = Stopwatch.GetTimestamp() - due;
                samples.Add(took);
                trace.Add((index, took));
            }
            catch (Exception e) when (failed(e))
            {
                Interlocked.Increment(ref errors);
                Interlocked.CompareExchange(ref firstError, $"{e.GetType().Name}: {e.Message}", null);
            }
        }));
    }
    await Task.WhenAll(inFlight);
    var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
    // HA_TRACE_DIR: each create's slot and latency, to see whether the tail is spread or comes in bursts.
    if (Environment.GetEnvironmentVariable("HA_TRACE_DIR") is { Length: > 0 } traceDir)
    {
        Directory.CreateDirectory(traceDir);
        var lines = trace.OrderBy(t => t.N).Select(t => FormattableString.Invariant($"{t.N * 1000.0 / rate:0.0}\t{t.Latency * 1000.0 / Stopwatch.Frequency:0.000}"));
        await File.WriteAllLinesAsync(Path.Combine(traceDir, $"{DateTime.UtcNow:HHmmss.fff}.tsv"), lines);
    }
    return (Stats.Of([.. samples]), samples.Count / elapsed, errors, firstError);
}

/// <summary>etcd's own check (etcdctl 3.4: 60 s of puts at a "small" load, judged on throughput, slowest request and spread).</summary>
static async Task<string> CheckPerfAsync(EtcdCluster etcd)
{
    var info = new ProcessStartInfo(EtcdCluster.EtcdctlBinary) { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var arg in new[] { "--endpoints", string.Join(',', etcd.ClientUrls.Select(u => u.ToString().TrimEnd('/'))), "check", "perf", "--load=s" })
        info.ArgumentList.Add(arg);
    info.Environment["ETCDCTL_API"] = "3";
    using var process = Process.Start(info) ?? throw new InvalidOperationException("etcdctl did not start");
    var stdout = process.StandardOutput.ReadToEndAsync();
    var stderr = process.StandardError.ReadToEndAsync();
    await process.WaitForExitAsync();
    // Its progress bar redraws with carriage returns: keep the verdict lines.
    var lines = ((await stdout) + (await stderr)).Split('\n').Select(l => l.Split('\r')[^1].Trim()).Where(l => l.Length > 0 && !l.Contains("/ 60", StringComparison.Ordinal));
    return string.Join('\n', lines) + $"\n(exit {process.ExitCode})";
}

static double Rss(int? pid)
{
    if (pid is null)
        return double.NaN;
    try
    {
        var line = File.ReadLines($"/proc/{pid.Value.ToString(CultureInfo.InvariantCulture)}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }
    catch (IOException)
    {
        return double.NaN;
    }
}

static string Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted[(sorted.Length - 1) / 2].ToString("0.00", CultureInfo.InvariantCulture);
}

static ConfigMap Map(string name) => new()
{
    ApiVersion = "v1",
    Kind = "ConfigMap",
    Metadata = new ObjectMeta { Name = name, Namespace = "default" },
    Data = new() { ["k"] = new string('v', 256) },
};

static async Task<int> Leader(HaCluster ha, DroverClient client)
{
    try
    {
        return await ha.LeaderAsync(client);
    }
    catch (ApiClientException)
    {
        return -1;
    }
}

static async Task<int> Pods(DroverClient client)
{
    try
    {
        return (await client.ListAsync(ResourceTypes.Pods, "default", labelSelector: "app=bench")).Items.Count(p => p.Metadata.DeletionTimestamp is null);
    }
    catch (ApiClientException)
    {
        return -1;
    }
}

static async Task<T> Until<T>(Func<Task<T?>> probe, TimeSpan timeout) where T : struct
{
    var deadline = DateTime.UtcNow + timeout;
    while (true)
    {
        if (await probe() is { } value)
            return value;
        if (DateTime.UtcNow > deadline)
            throw new TimeoutException($"waited {timeout.TotalSeconds:0} s");
        await Task.Delay(50);
    }
}

internal partial class Program
{
    /// <summary>A value the size of a small ConfigMap as droverd stores it.</summary>
    private static readonly byte[] FloorValue = new byte[512];
}

/// <summary>CPU used between <see cref="Start"/> and <see cref="Stop"/>: per create, and the machine's busy share.</summary>
/// <summary>What one paced run cost the machine, per create: CPU time and time spent waiting for a core.</summary>
internal sealed record CpuUse(double DroverdMs, double EtcdMs, double BenchMs, double MachineBusyPercent, double DroverdWaitMs, double EtcdWaitMs, double BenchWaitMs);

internal sealed class Cpu
{
    private readonly int? _droverd;
    private readonly int[] _etcd;
    private readonly long _droverdTicks;
    private readonly long _etcdTicks;
    private readonly TimeSpan _bench;
    private readonly (long Busy, long Total) _machine;
    private readonly long _droverdWait;
    private readonly long _etcdWait;
    private readonly long _benchWait;

    private Cpu(int? droverd, int[] etcd)
    {
        (_droverd, _etcd) = (droverd, etcd);
        _droverdTicks = droverd is { } pid ? ProcFs.CpuTicks(pid) : 0;
        _etcdTicks = etcd.Sum(ProcFs.CpuTicks);
        _bench = Process.GetCurrentProcess().TotalProcessorTime;
        _machine = ProcFs.MachineCpuTicks();
        _droverdWait = droverd is { } p ? ProcFs.RunQueueWaitNanoseconds(p) : 0;
        _etcdWait = etcd.Sum(ProcFs.RunQueueWaitNanoseconds);
        _benchWait = ProcFs.RunQueueWaitNanoseconds(Environment.ProcessId);
    }

    public static Cpu Start(int? droverd, int[] etcd) => new(droverd, etcd);

    public CpuUse Stop(int creates)
    {
        var machine = ProcFs.MachineCpuTicks();
        double PerCreate(long ticks) => ticks * 1000 / ProcFs.TicksPerSecond / creates;
        double WaitPerCreate(long nanoseconds) => nanoseconds / 1e6 / creates;
        return new CpuUse(
            _droverd is { } pid ? PerCreate(ProcFs.CpuTicks(pid) - _droverdTicks) : double.NaN,
            _etcd.Length == 0 ? double.NaN : PerCreate(_etcd.Sum(ProcFs.CpuTicks) - _etcdTicks),
            (Process.GetCurrentProcess().TotalProcessorTime - _bench).TotalMilliseconds / creates,
            100.0 * (machine.Busy - _machine.Busy) / Math.Max(1, machine.Total - _machine.Total),
            _droverd is { } p ? WaitPerCreate(ProcFs.RunQueueWaitNanoseconds(p) - _droverdWait) : double.NaN,
            _etcd.Length == 0 ? double.NaN : WaitPerCreate(_etcd.Sum(ProcFs.RunQueueWaitNanoseconds) - _etcdWait),
            WaitPerCreate(ProcFs.RunQueueWaitNanoseconds(Environment.ProcessId) - _benchWait));
    }
}

internal sealed record Stats(long[] Samples, double P50, double P99)
{
    public static Stats Of(long[] ticks)
    {
        var sorted = (long[])ticks.Clone();
        Array.Sort(sorted);
        double At(double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)] * 1000.0 / Stopwatch.Frequency;
        return new Stats(ticks, At(0.50), At(0.99));
    }
}
