using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Drover.Bench.ApiServer;

// The control-plane benchmarks (docs/BENCHMARKS.md): every scenario gets its own fresh droverd (the AOT binary) on a
// free loopback port with a temp data dir, so no scenario sees another's pods. Markdown goes to stdout; raw samples,
// droverd logs, /metrics scrapes and results.json go to --out.
string? droverd = null, drover = null, output = null;
for (var i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--droverd": droverd = args[i + 1]; break;
        case "--drover": drover = args[i + 1]; break;
        case "--out": output = args[i + 1]; break;
        default: return Usage($"unknown option {args[i]}");
    }
}
if (droverd is null || drover is null || output is null)
    return Usage("--droverd, --drover and --out are required");
if (!File.Exists(droverd) || !File.Exists(drover))
    return Usage($"{droverd} or {drover} does not exist: run ./build.sh publish");
Directory.CreateDirectory(output);
// The driver shares 2 cores with droverd: start with enough pool threads that a burst of watch reads never waits for
// the pool's slow thread injection (which would show up as latency droverd did not cause).
ThreadPool.SetMinThreads(16, 16);

var figures = new SortedDictionary<string, double>(StringComparer.Ordinal);
var notes = new List<string>();
const double MiB = 1024 * 1024;
void Log(string message) => Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {message}");

async Task SaveMetricsAsync(DroverdInstance server, string name) =>
    await File.WriteAllBytesAsync(Path.Combine(output, $"metrics-{name}.txt"), await server.Client.GetRawAsync("/metrics"));

async Task WarmUpAsync(DroverdInstance server)
{
    // Opens the client's 16 pooled TLS connections and lets the bench's own JIT settle; droverd itself is AOT. The
    // warm-up pods go to their own namespace, so the measured namespace starts empty.
    await Load.CreateNamespaceAsync(server.Client, "bench-warmup");
    await Load.ClosedLoopAsync(server.Client, "bench-warmup", "warm-", 16, TimeSpan.FromSeconds(2), 1500);
}

// 5. Binary sizes.
long SizeOf(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;
var droverdSize = SizeOf(droverd);
var sqliteSize = SizeOf(Path.Combine(Path.GetDirectoryName(droverd)!, "libe_sqlite3.so"));
var droverSize = SizeOf(drover);
figures["size.droverd_bytes"] = droverdSize;
figures["size.libe_sqlite3_bytes"] = sqliteSize;
figures["size.drover_bytes"] = droverSize;

// 4. Memory: idle, after 10,000 pods, after a full LIST of them.
Log("memory: fresh droverd, 10,000 pods, LIST");
ClosedLoopResult bulk;
Window bulkWindow;
(long Rss, long Hwm) idle, stored, listed, settled;
(long Total, long Database, long Wal) dataSize;
double listMs;
long listBytes;
int listCount;
await using (var server = await DroverdInstance.StartAsync(droverd, Path.Combine(output, "droverd-memory.log")))
{
    await Task.Delay(1000);
    idle = server.Memory();
    var before = await Snapshot.TakeAsync(server);
    bulk = await Load.ClosedLoopAsync(server.Client, "default", "p-", 16, TimeSpan.FromSeconds(120), 10_000);
    stored = server.Memory();
    bulkWindow = Window.Between(before, await Snapshot.TakeAsync(server));
    dataSize = server.DataDirectorySize();
    var t0 = Stopwatch.GetTimestamp();
    var body = await server.Client.SendRawAsync(HttpMethod.Get, Load.PodsPath("default"), null, null);
    listMs = Latency.Ms(Stopwatch.GetTimestamp() - t0);
    listBytes = body.Length;
    using (var doc = JsonDocument.Parse(body))
        listCount = doc.RootElement.GetProperty("items").GetArrayLength();
    listed = server.Memory();
    await Task.Delay(5000);
    settled = server.Memory();
    await SaveMetricsAsync(server, "memory");
}
Latency.WriteSamples(Path.Combine(output, "bulk-10k-latency-us.txt"), bulk.Samples);
var bulkLatency = Latency.Of(bulk.Samples);
figures["memory.idle_rss"] = idle.Rss; figures["memory.idle_hwm"] = idle.Hwm;
figures["memory.10k_rss"] = stored.Rss; figures["memory.10k_hwm"] = stored.Hwm;
figures["memory.list_rss"] = listed.Rss; figures["memory.list_hwm"] = listed.Hwm;
figures["memory.list_plus5s_rss"] = settled.Rss; figures["memory.list_plus5s_hwm"] = settled.Hwm;
figures["data.total_bytes"] = dataSize.Total; figures["data.db_bytes"] = dataSize.Database; figures["data.wal_bytes"] = dataSize.Wal;
figures["list.ms"] = listMs; figures["list.bytes"] = listBytes; figures["list.items"] = listCount;
figures["bulk.rate"] = bulk.Rate; figures["bulk.created"] = bulk.Created; figures["bulk.errors"] = bulk.Errors;
if (bulk.FirstError is not null) notes.Add($"bulk create: {bulk.Errors} errors, first: {bulk.FirstError}");

// 1. Closed loop, concurrency 16, 10 s.
Log("closed loop: concurrency 16, 10 s");
ClosedLoopResult closed;
Window closedWindow;
await using (var server = await DroverdInstance.StartAsync(droverd, Path.Combine(output, "droverd-closed.log")))
{
    await WarmUpAsync(server);
    var before = await Snapshot.TakeAsync(server);
    closed = await Load.ClosedLoopAsync(server.Client, "default", "p-", 16, TimeSpan.FromSeconds(10), int.MaxValue);
    closedWindow = Window.Between(before, await Snapshot.TakeAsync(server));
    await SaveMetricsAsync(server, "closed");
}
Latency.WriteSamples(Path.Combine(output, "closed-latency-us.txt"), closed.Samples);
var closedLatency = Latency.Of(closed.Samples);
if (closed.FirstError is not null) notes.Add($"closed loop: {closed.Errors} errors, first: {closed.FirstError}");

// 2. Open loop, 500/s for 10 s.
Log("open loop: 500 creates/s, 10 s");
OpenLoopResult open;
Window openWindow;
await using (var server = await DroverdInstance.StartAsync(droverd, Path.Combine(output, "droverd-open.log")))
{
    await WarmUpAsync(server);
    await Task.Delay(500);
    var before = await Snapshot.TakeAsync(server);
    open = await Load.OpenLoopAsync(server.Client, "default", "p-", 500, 5000);
    openWindow = Window.Between(before, await Snapshot.TakeAsync(server));
    await SaveMetricsAsync(server, "open");
}
Latency.WriteSamples(Path.Combine(output, "open-latency-from-scheduled-us.txt"), open.FromScheduled());
var openLatency = Latency.Of(open.FromScheduled());
var openService = Latency.Of(open.ServiceTime());
var openLag = Latency.Of(open.DispatchLag());
if (open.FirstError is not null) notes.Add($"open loop: {open.Errors} errors, first: {open.FirstError}");

// 3. Watch fan-out: 100 watchers, 1,000 creates at 200/s; the same with 10 watchers beside it, to show the fan-out's cost.
var watches = new List<WatchResult>();
foreach (var watchers in new[] { 10, 100 })
{
    Log($"watch fan-out: {watchers} watchers, 1,000 creates at 200/s");
    await using var server = await DroverdInstance.StartAsync(droverd, Path.Combine(output, $"droverd-watch{watchers}.log"));
    await WarmUpAsync(server);
    var result = await WatchFanOut.RunAsync(server, "default", watchers, 1000, 200);
    await SaveMetricsAsync(server, $"watch{watchers}");
    Latency.WriteSamples(Path.Combine(output, $"watch{watchers}-delivery-from-send-us.txt"), result.FromSend());
    if (result.FirstError is not null) notes.Add($"watch ({watchers}): first error: {result.FirstError}");
    if (result.Creation.FirstError is not null) notes.Add($"watch ({watchers}) creates: {result.Creation.Errors} errors, first: {result.Creation.FirstError}");
    watches.Add(result);
}
var watch = watches[^1];

Log("fsync probe: 200 × (4 KiB write + fsync) in the temp dir");
var fsync = FsyncProbe.Run(200);

void PutWindow(string prefix, Window w)
{
    figures[prefix + ".droverd_cores"] = w.ServerCores; figures[prefix + ".driver_cores"] = w.DriverCores;
    figures[prefix + ".server_request_mean_ms"] = w.RequestMeanMs; figures[prefix + ".store_create_mean_ms"] = w.StoreCreateMeanMs;
    figures[prefix + ".store_create_over_10ms_share"] = w.StoreCreateOver10msShare;
}
void Put(string prefix, Latency l)
{
    figures[prefix + ".count"] = l.Count;
    figures[prefix + ".p50_ms"] = l.P50; figures[prefix + ".p90_ms"] = l.P90; figures[prefix + ".p99_ms"] = l.P99;
    figures[prefix + ".p999_ms"] = l.P999; figures[prefix + ".max_ms"] = l.Max; figures[prefix + ".mean_ms"] = l.Mean;
}
Put("bulk", bulkLatency);
Put("closed", closedLatency); figures["closed.rate"] = closed.Rate; figures["closed.errors"] = closed.Errors;
Put("open.from_scheduled", openLatency); Put("open.service", openService); Put("open.dispatch_lag", openLag);
figures["open.achieved_rate"] = open.AchievedRate; figures["open.errors"] = open.Errors; figures["open.created"] = open.Created;
foreach (var w in watches)
{
    var p = $"watch{w.Watchers}";
    Put(p + ".from_ack", Latency.Of(w.FromAck())); Put(p + ".from_send", Latency.Of(w.FromSend())); Put(p + ".create_from_scheduled", Latency.Of(w.Creation.FromScheduled())); Put(p + ".spread", Latency.Of(w.Spread()));
    figures[p + ".delivered"] = w.Delivered; figures[p + ".expected"] = w.Expected; figures[p + ".duplicates"] = w.Duplicates;
    figures[p + ".before_ack"] = w.FromAck().Count(t => t < 0); figures[p + ".other_events"] = w.OtherEvents; figures[p + ".drain_s"] = w.DrainSeconds;
    figures[p + ".create_rate"] = w.Creation.AchievedRate; PutWindow(p, w.Window);
}
PutWindow("bulk", bulkWindow); PutWindow("closed", closedWindow); PutWindow("open", openWindow);
Put("fsync", fsync);
await File.WriteAllTextAsync(Path.Combine(output, "results.json"), JsonSerializer.Serialize(figures, new JsonSerializerOptions { WriteIndented = true }));

// The report.
string F(double ms) => Latency.F(ms);
string R(double rate) => rate.ToString("0", CultureInfo.InvariantCulture);
string M(long bytes) => (bytes / MiB).ToString("0.0", CultureInfo.InvariantCulture);
string Met(bool ok) => ok ? "met" : "**missed**";
var md = new StringBuilder();
md.AppendLine("### Pod creates (POST /api/v1/namespaces/default/pods, small pod, HTTPS over loopback)");
md.AppendLine();
md.AppendLine("| Load | Creates/s | p50 ms | p99 ms | max ms | Errors | droverd mean ms (of which store) | CPU cores droverd / driver |");
md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
string W(Window w) => $"{F(w.RequestMeanMs)} ({F(w.StoreCreateMeanMs)}) | {w.Cores(w.ServerCores)} / {w.Cores(w.DriverCores)}";
md.AppendLine($"| Closed loop, 16 concurrent, 10 s | {R(closed.Rate)} | {F(closedLatency.P50)} | {F(closedLatency.P99)} | {F(closedLatency.Max)} | {closed.Errors} | {W(closedWindow)} |");
md.AppendLine($"| Open loop, 500/s offered, 10 s (latency from scheduled start) | {R(open.AchievedRate)} | {F(openLatency.P50)} | {F(openLatency.P99)} | {F(openLatency.Max)} | {open.Errors} | {W(openWindow)} |");
md.AppendLine($"| ↳ same requests, send→ack only | | {F(openService.P50)} | {F(openService.P99)} | {F(openService.Max)} | | | |");
md.AppendLine($"| ↳ load generator's dispatch lag (included above) | | {F(openLag.P50)} | {F(openLag.P99)} | {F(openLag.Max)} | | | |");
md.AppendLine($"| Bulk: 10,000 pods, 16 concurrent, into an empty store | {R(bulk.Rate)} | {F(bulkLatency.P50)} | {F(bulkLatency.P99)} | {F(bulkLatency.Max)} | {bulk.Errors} | {W(bulkWindow)} |");
md.AppendLine($"| Disk floor: 4 KiB write + fsync in the temp dir (200×) | | {F(fsync.P50)} | {F(fsync.P99)} | {F(fsync.Max)} | | | |");
md.AppendLine();
md.AppendLine("\"droverd mean\" is droverd's own mean create time from /metrics over the window (request in, response out); " +
    "\"store\" the part spent queued for and inside the group commit (SQLite WAL, synchronous=FULL). CPU is user+system time / wall time.");
md.AppendLine();
md.AppendLine("### Watch fan-out (watchers on pods in one namespace, then 1,000 creates at 200/s)");
md.AppendLine();
md.AppendLine("| Watchers | Delivered / expected | Delivery ack→event p50 / p99 / max ms | Delivery sent→event p50 / p99 / max ms | First→last watcher per event p50 / p99 / max ms | Creates/s achieved | Create p50 / p99 ms (from schedule) | CPU cores droverd / driver |");
md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var w in watches)
{
    var a = Latency.Of(w.FromAck());
    var snd = Latency.Of(w.FromSend());
    var c = Latency.Of(w.Creation.FromScheduled());
    var sp = Latency.Of(w.Spread());
    md.AppendLine($"| {w.Watchers} | {w.Delivered:N0} / {w.Expected:N0} | {F(a.P50)} / {F(a.P99)} / {F(a.Max)} | {F(snd.P50)} / {F(snd.P99)} / {F(snd.Max)} | {F(sp.P50)} / {F(sp.P99)} / {F(sp.Max)} | " +
        $"{R(w.Creation.AchievedRate)} | {F(c.P50)} / {F(c.P99)} | {w.Window.Cores(w.Window.ServerCores)} / {w.Window.Cores(w.Window.DriverCores)} |");
}
md.AppendLine();
foreach (var w in watches)
{
    md.AppendLine($"{w.Watchers} watchers: {(w.Delivered == w.Expected ? "no events missing" : $"**{w.Expected - w.Delivered:N0} events missing**")}, {w.Duplicates} duplicates, " +
        $"{w.FromAck().Count(t => t < 0):N0} events reached a watcher before the creator had processed the create's response (negative ack→event delay); " +
        $"the last event arrived {w.DrainSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s after the last create returned.");
    md.AppendLine();
}
md.AppendLine("### droverd memory (MiB) and store size");
md.AppendLine();
md.AppendLine("| Point | VmRSS | VmHWM | Target | |");
md.AppendLine("|---|---:|---:|---:|---|");
md.AppendLine($"| Idle, 1 s after start | {M(idle.Rss)} | {M(idle.Hwm)} | ≤ 40 | {Met(idle.Rss <= 40 * MiB)} |");
md.AppendLine($"| After storing 10,000 pods | {M(stored.Rss)} | {M(stored.Hwm)} | ≤ 150 | {Met(stored.Rss <= 150 * MiB)} |");
md.AppendLine($"| After a full LIST of the 10,000 pods | {M(listed.Rss)} | {M(listed.Hwm)} | ≤ 150 | {Met(listed.Rss <= 150 * MiB)} |");
md.AppendLine($"| 5 s later, idle | {M(settled.Rss)} | {M(settled.Hwm)} | | |");
md.AppendLine();
md.AppendLine($"Full LIST: {listCount:N0} pods, {M(listBytes)} MiB of JSON in {F(listMs)} ms. Data dir after 10,000 pods: {M(dataSize.Total)} MiB " +
    $"(state.db {M(dataSize.Database)} MiB, WAL {M(dataSize.Wal)} MiB).");
md.AppendLine();
md.AppendLine("### Native AOT binaries");
md.AppendLine();
md.AppendLine("| Binary | MiB | Target | |");
md.AppendLine("|---|---:|---:|---|");
md.AppendLine($"| droverd | {M(droverdSize)} | ≤ 30 (with SQLite) | {Met(droverdSize + sqliteSize <= 30 * MiB)} |");
md.AppendLine($"| libe_sqlite3.so (beside droverd) | {M(sqliteSize)} | | |");
md.AppendLine($"| drover | {M(droverSize)} | ≤ 15 | {Met(droverSize <= 15 * MiB)} |");
md.AppendLine();
md.AppendLine("### Targets");
md.AppendLine();
md.AppendLine("| Target | Figure | |");
md.AppendLine("|---|---:|---|");
md.AppendLine($"| Create p99 ≤ 10 ms at 500/s (open loop) | {F(openLatency.P99)} ms at {R(open.AchievedRate)}/s | {Met(openLatency.P99 <= 10 && open.Errors == 0 && open.AchievedRate >= 490)} |");
md.AppendLine($"| Watch: all 100 × 1,000 events delivered | {watch.Delivered:N0} | {Met(watch.Delivered == watch.Expected)} |");
md.AppendLine($"| Idle RSS ≤ 40 MiB | {M(idle.Rss)} MiB | {Met(idle.Rss <= 40 * MiB)} |");
md.AppendLine($"| RSS ≤ 150 MiB with 10,000 pods (incl. after LIST) | {M(Math.Max(stored.Rss, listed.Rss))} MiB | {Met(Math.Max(stored.Rss, listed.Rss) <= 150 * MiB)} |");
md.AppendLine($"| droverd + libe_sqlite3.so ≤ 30 MiB | {M(droverdSize + sqliteSize)} MiB | {Met(droverdSize + sqliteSize <= 30 * MiB)} |");
md.AppendLine($"| drover ≤ 15 MiB | {M(droverSize)} MiB | {Met(droverSize <= 15 * MiB)} |");
if (notes.Count > 0)
{
    md.AppendLine();
    md.AppendLine("Errors:");
    foreach (var note in notes)
        md.AppendLine($"- {note}");
}
md.AppendLine();
md.AppendLine($"Load average at the end of the run: {File.ReadAllText("/proc/loadavg").Trim()} (other work on the machine shares its cores with droverd and the driver).");
Console.Write(md.ToString());
return 0;

static int Usage(string problem)
{
    Console.Error.WriteLine($"Drover.Bench.ApiServer: {problem}");
    Console.Error.WriteLine("usage: Drover.Bench.ApiServer --droverd PATH --drover PATH --out DIR");
    return 2;
}
