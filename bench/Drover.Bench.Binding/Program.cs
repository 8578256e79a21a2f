using System.Diagnostics;
using System.Globalization;
using Drover.Api;
using Drover.Api.Client;
using Drover.Bench.Binding;

// 1. droverd with 1,000 stand-in nodes registered but not Ready, and 10,000 pods created: all pending
//    (PodScheduled=False). 2. Every node made Ready (a status write each, 64 at a time), as if the fleet came
//    up at once; the scheduler is woken by the first and binds while the rest arrive. Measured from the first
//    Ready write until droverd's count of stored bindings reaches the number of pods (polled from /metrics),
//    and separately after the last node is Ready (the loop's own rate, no longer waiting for nodes). Stand-in nodes only register and report status: no Leases (the
//    grace period is set to an hour), no containers, no Running status.
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: Drover.Bench.Binding PATH/TO/droverd [nodes=1000] [pods=10000]");
    return 2;
}
var nodeCount = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000;
var podCount = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10_000;

await using var droverd = await Droverd.StartAsync(args[0]);
var api = droverd.Client;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"## Binding throughput: {nodeCount:N0} stand-in nodes, {podCount:N0} pods ({Environment.ProcessorCount} CPUs, load average {LoadAverage()})"));

var clock = Stopwatch.StartNew();
await Concurrently.RunAsync(nodeCount, 32, i => api.CreateAsync(ResourceTypes.Nodes, new Node
{
    ApiVersion = "v1",
    Kind = "Node",
    Metadata = new ObjectMeta { Name = NodeName(i) },
}));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"- {nodeCount:N0} nodes registered, not Ready: {clock.Elapsed.TotalSeconds:F1} s"));

clock.Restart();
await Concurrently.RunAsync(podCount, 32, i => api.CreateAsync(ResourceTypes.Pods, new Pod
{
    ApiVersion = "v1",
    Kind = "Pod",
    Metadata = new ObjectMeta { Name = string.Create(CultureInfo.InvariantCulture, $"p-{i:00000}"), Namespace = "default" },
    Spec = new PodSpec
    {
        Containers =
        [
            new Container
            {
                Name = "c",
                Image = "busybox",
                Resources = new ResourceRequirements { Requests = new() { ["cpu"] = Quantity.Parse("100m"), ["memory"] = Quantity.Parse("64Mi") } },
            },
        ],
    },
}));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"- {podCount:N0} pods created: {clock.Elapsed.TotalSeconds:F1} s ({podCount / clock.Elapsed.TotalSeconds:N0}/s)"));

// Let the unschedulable bookkeeping (PodScheduled=False writes, events) settle before measuring.
await Task.Delay(TimeSpan.FromSeconds(5));
using var stop = new CancellationTokenSource();
var watcher = new BindingWatcher(api, podCount);
var watching = watcher.RunAsync(stop.Token);

var cpuBefore = droverd.CpuTime;
var start = Stopwatch.GetTimestamp();
await Concurrently.RunAsync(nodeCount, 64, async i =>
{
    var now = DateTimeOffset.UtcNow;
    var allocatable = new Dictionary<string, Quantity>(StringComparer.Ordinal)
    {
        ["cpu"] = Quantity.Parse("4"),
        ["memory"] = Quantity.Parse("16Gi"),
        ["pods"] = Quantity.FromInt64(110, QuantityFormat.DecimalSI),
    };
    var node = (Node)await api.GetAsync(ResourceTypes.Nodes, null, NodeName(i));
    await api.UpdateAsync(ResourceTypes.Nodes, node with
    {
        Status = new NodeStatus
        {
            Capacity = allocatable,
            Allocatable = allocatable,
            Conditions = [new NodeCondition { Type = "Ready", Status = "True", LastHeartbeatTime = now, LastTransitionTime = now }],
        },
    }, "status");
});
var allReady = Stopwatch.GetElapsedTime(start);
var boundWhenReady = watcher.Bound;
var finished = await Task.WhenAny(watcher.AllBound, Task.Delay(TimeSpan.FromMinutes(5)));
var cpu = droverd.CpuTime - cpuBefore;
await stop.CancelAsync();
await watching;
if (finished != watcher.AllBound)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"- TIMED OUT: {watcher.Bound:N0} of {podCount:N0} bound after 5 min"));
    return 1;
}
var last = Stopwatch.GetElapsedTime(start, watcher.LastBind);
var afterReady = last - allReady;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"- every node Ready after {allReady.TotalSeconds:F2} s; all {podCount:N0} pods bound after {last.TotalSeconds:F2} s: {podCount / last.TotalSeconds:N0} pods/s"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"- after the last node was Ready: {podCount - boundWhenReady:N0} pods in {afterReady.TotalSeconds:F2} s: {(podCount - boundWhenReady) / afterReady.TotalSeconds:N0} pods/s"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"- droverd CPU meanwhile: {cpu.TotalSeconds:F2} s ({cpu.TotalMicroseconds / podCount:N0} µs per pod, everything included); RSS {droverd.RssMiB:N0} MiB, peak {droverd.PeakRssMiB:N0} MiB"));
Console.WriteLine("- Anchors: Kubernetes' scheduler-throughput threshold 100 pods/s (ClusterLoader2); Nomad C1M 3,750 containers/s; Drover's target ≥ 3,750 pods/s");
return 0;

static string NodeName(int i) => string.Create(CultureInfo.InvariantCulture, $"standin-{i:0000}");

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
