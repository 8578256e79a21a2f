using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Drover.Bench.ApiServer;
using Drover.Bench.HollowNodes;

// Issue 4 through the whole control plane: a fresh droverd (the AOT binary, default controller flags), 1,000 hollow
// nodes in this process, then Deployments of 10,000 pods. Measured from the Deployments' creation: every pod bound,
// every pod Running and Ready (written by its hollow node), every Deployment available; a 20/s API probe and droverd's
// own request histogram meanwhile; droverd's RSS at the end. Markdown to stdout; raw figures and logs to --out.
var options = HollowOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: Drover.Bench.HollowNodes --droverd PATH --out DIR [--nodes 1000] [--deployments 10] [--replicas 1000] [--probe-rate 20] [--seed 1] [--etcd-members 0|3]");
    return 2;
}
Directory.CreateDirectory(options.Output);
// The bench shares 2 cores with droverd: enough pool threads up front that 1,000 nodes' first writes do not wait on the
// pool's slow thread injection (which would show up as latency droverd did not cause).
ThreadPool.SetMinThreads(32, 32);
void Log(string message) => Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] hollow: {message}");
static double Seconds(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalSeconds;
static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

var loadAtStart = LoadAverage();
// 1,000 nodes need 1,000 podCIDRs: the default --cluster-cidr (a /16 cut into /24s) has 256. Every other flag,
// the controllers' included, stays at its default.
// With --etcd-members, the store is a fresh etcd cluster on loopback (issue 17's HA mode), the rest unchanged.
await using var etcd = options.EtcdMembers > 0 ? await Drover.Testing.EtcdCluster.StartAsync(members: options.EtcdMembers) : null;
string[] datastore = etcd is null ? [] : ["--datastore-endpoint", string.Join(',', etcd.ClientUrls.Select(u => u.ToString().TrimEnd('/')))];
var store = etcd is null ? "SQLite" : $"etcd, {etcd.Count} members";
DroverdInstance? started = null;
// Interrupted (SIGTERM from bench/hollow-stores.sh, Ctrl-C): stop droverd and the etcd members before the runtime
// exits, which runs no `await using` disposal, or they outlive the bench.
void StopDaemons(PosixSignalContext signal)
{
    Log($"{signal.Signal}: stopping droverd{(etcd is null ? "" : " and etcd")}");
    started?.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(15));
    etcd?.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(15));
}
using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, StopDaemons);
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, StopDaemons);
await using var droverd = started = await DroverdInstance.StartAsync(options.Droverd, Path.Combine(options.Output, "droverd-hollow.log"), ["--cluster-cidr", "10.64.0.0/14", .. datastore]);
var admin = droverd.Client;
var joinToken = (await File.ReadAllTextAsync(Path.Combine(droverd.DataDirectory, "credentials", "join-token"))).Trim();

Log($"{options.Nodes:N0} hollow nodes: join, register, Ready, Lease");
var fleetStart = Stopwatch.GetTimestamp();
await using var fleet = await HollowFleet.StartAsync(droverd.Settings.Server, joinToken, options.Nodes, width: 32, options.Seed, Log);
var fleetUp = Stopwatch.GetElapsedTime(fleetStart);
// Let the node controllers see every Lease and the first renewals begin before the workload arrives.
await Task.Delay(TimeSpan.FromSeconds(3));
var idle = droverd.Memory();

var workload = new DeploymentWorkload(admin, "default", options.Deployments, options.Replicas);
var progress = new WorkloadProgress(workload.Pods);
using var stop = new CancellationTokenSource();
var watch = new BoundPodWatch(admin, fleet, progress, "default");
var watching = watch.RunAsync(await watch.StartRevisionAsync(), stop.Token);
var probe = new ApiProbe(droverd.Settings, options.ProbeRate);
using var probeStop = new CancellationTokenSource();
var probing = probe.RunAsync(probeStop.Token);
var serverBefore = await ServerLatency.ScrapeAsync(admin);
var droverdCpuBefore = droverd.CpuSeconds();
var benchCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
await Task.Delay(TimeSpan.FromSeconds(1));   // a second of probe samples before the load, for the idle baseline

Log($"workload: {workload.Describe}");
var start = Stopwatch.GetTimestamp();
await workload.CreateAsync();
using var reporter = new Timer(_ => Log($"bound {progress.Bound:N0}, Running {progress.Running:N0} of {progress.Expected:N0}; statuses written {fleet.Counters.PodsReported:N0}; load {LoadAverage()}"), null, 1000, 1000);
using var deadline = new CancellationTokenSource(options.Timeout);
long allBound, allRunning, allAvailable;
try
{
    allBound = await progress.AllBound.WaitAsync(deadline.Token);
    allRunning = await progress.AllRunning.WaitAsync(deadline.Token);
}
catch (OperationCanceledException)
{
    Console.WriteLine($"- TIMED OUT after {options.Timeout.TotalMinutes:0} min: {progress.Bound:N0} bound, {progress.Running:N0} Running of {progress.Expected:N0}; hollow-node errors {fleet.Counters.Errors}: {string.Join(" | ", fleet.Counters.FirstErrors)}");
    return 1;
}
try
{
    allAvailable = await workload.AllAvailableAsync(deadline.Token);
}
catch (OperationCanceledException)
{
    // Every pod bound and Running is the measurement; a Deployment can still miss availability when droverd marked a
    // node unreachable meanwhile (a Lease renewal queued past the 20 s grace on an overloaded machine) and its pods
    // NotReady. Report the figures with that step as not reached rather than none at all.
    allAvailable = 0;
    Log("not every Deployment became available before the timeout; reporting the rest");
}
await reporter.DisposeAsync();
var droverdCpu = droverd.CpuSeconds() - droverdCpuBefore;
var benchCpu = (Process.GetCurrentProcess().TotalProcessorTime - benchCpuBefore).TotalSeconds;
var atEnd = droverd.Memory();
await probeStop.CancelAsync();
await probing;
var server = (await ServerLatency.ScrapeAsync(admin)).Minus(serverBefore);
var loadAtEnd = LoadAverage();
// The fleet keeps renewing Leases: droverd's memory once the burst is over, with 1,000 nodes and 10,000 pods at rest.
await Task.Delay(TimeSpan.FromSeconds(10));
var settled = droverd.Memory();
await File.WriteAllBytesAsync(Path.Combine(options.Output, "metrics-hollow.txt"), await admin.GetRawAsync("/metrics"));
await stop.CancelAsync();
await watching;

var result = new HollowResult
{
    Store = store,
    Nodes = options.Nodes,
    Pods = workload.Pods,
    Workload = workload.Describe,
    FleetUpSeconds = fleetUp.TotalSeconds,
    FirstBoundSeconds = Seconds(start, progress.FirstBound),
    AllBoundSeconds = Seconds(start, allBound),
    AllRunningSeconds = Seconds(start, allRunning),
    AllAvailableSeconds = allAvailable == 0 ? double.NaN : Seconds(start, allAvailable),
    Probe = Latency.Of(probe.Samples),
    ProbeErrors = probe.Errors,
    ProbeRate = options.ProbeRate,
    ServerRequests = server.Count,
    ServerP50Ms = server.QuantileMs(0.50),
    ServerP99Ms = server.QuantileMs(0.99),
    DroverdCpuSeconds = droverdCpu,
    BenchCpuSeconds = benchCpu,
    IdleRss = idle.Rss,
    EndRss = atEnd.Rss,
    EndHwm = atEnd.Hwm,
    SettledRss = settled.Rss,
    SettledHwm = settled.Hwm,
    StatusWrites = fleet.Counters.PodsReported,
    StatusConflicts = fleet.Counters.Conflicts,
    LeaseRenewals = fleet.Counters.LeaseRenewals,
    NodeErrors = fleet.Counters.Errors,
    FirstNodeErrors = fleet.Counters.FirstErrors,
    WatchEvents = watch.Events,
    LoadAtStart = loadAtStart,
    LoadAtEnd = loadAtEnd,
};
Latency.WriteSamples(Path.Combine(options.Output, "hollow-probe-latency-us.txt"), probe.Samples);
await File.WriteAllTextAsync(Path.Combine(options.Output, "hollow-results.json"), JsonSerializer.Serialize(result.Figures(), new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
Console.Write(HollowReport.Markdown(result));
return 0;
