using System.Diagnostics;
using System.Globalization;
using Drover.Bench.Scheduler;
using Drover.Scheduling;

// The scheduling loop's inner work, timed: read the pending pod (PodInfo.From), Decide, Assume the
// placement, and Forget the oldest placed pod once a window is full, so the cluster stays as full as it
// started instead of filling up over the run (pods come and go in a real cluster too).
var warmUp = TimeSpan.FromSeconds(3);
const int Rounds = 7;
const int DecisionsPerRound = 2_000;
int[] sizes = args.Length > 0 ? [.. args[0].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))] : [100, 1_000, 5_000];
// Second argument: kube-scheduler's percentageOfNodesToScore (0, the default, adapts; 100 scores every feasible node).
var percentage = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 0;
var optimized = typeof(Scheduler).Assembly.GetCustomAttributes(typeof(DebuggableAttribute), false) is not [DebuggableAttribute { IsJITOptimizerDisabled: true }];

Console.WriteLine("## Scheduler alone: bench/Drover.Bench.Scheduler");
Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{Environment.ProcessorCount} CPUs, .NET {Environment.Version}, {(optimized ? "Release" : "DEBUG (figures meaningless)")}, load average at the start {LoadAverage()}, " +
    $"percentageOfNodesToScore {(percentage == 0 ? "adaptive" : percentage.ToString(CultureInfo.InvariantCulture) + "%")}. " +
    $"Each size: {warmUp.TotalSeconds:F0} s of warm-up (tiered JIT), then {Rounds} rounds of {DecisionsPerRound:N0} decisions; the median round is shown."));
Console.WriteLine("Per decision: PodInfo.From + Decide + Assume (+ Forget of the oldest placed pod). Nodes: 5% not ready, 2% cordoned,");
Console.WriteLine("8% tainted NoSchedule, 5% PreferNoSchedule, 10% full, the rest 0–60% used; 20% of pods have a nodeSelector, 5% a toleration.");
Console.WriteLine("CPU µs is the process's CPU time per decision: on a shared, loaded machine it is closer to the cost than wall time,");
Console.WriteLine("and the best round closer still (noise only ever adds time).");
Console.WriteLine();
Console.WriteLine("| nodes | µs/decision (wall) | decisions/s (wall) | µs/decision (CPU) | decisions/s (CPU) | best round µs (CPU) | of which Decide µs (wall) | allocated B/decision | feasible nodes (mean) |");
Console.WriteLine("|------:|-------------------:|-------------------:|------------------:|------------------:|--------------------:|--------------------------:|---------------------:|----------------------:|");

var perSecondAt1000 = 0.0;
foreach (var nodeCount in sizes)
{
    // Placed pods stay for a window of five per node before they are forgotten.
    var window = nodeCount * 5;
    var cluster = BenchCluster.Create(nodeCount, pendingCount: window + 1_000, seed: 20_240_601);
    var loop = new SchedulingLoop(cluster, new Scheduler(new Random(1)) { PercentageOfNodesToScore = percentage }, window);
    var warm = Stopwatch.StartNew();
    while (warm.Elapsed < warmUp)
        loop.Run(100);

    var rounds = new List<RoundResult>();
    for (var r = 0; r < Rounds; r++)
    {
        GC.Collect();
        rounds.Add(loop.Run(DecisionsPerRound));
    }
    var wall = rounds.OrderBy(r => r.MicrosecondsPerDecision).ElementAt(Rounds / 2);
    var cpu = rounds.OrderBy(r => r.CpuMicrosecondsPerDecision).ElementAt(Rounds / 2);
    if (nodeCount == 1_000)
        perSecondAt1000 = 1_000_000 / cpu.CpuMicrosecondsPerDecision;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {nodeCount:N0} | {wall.MicrosecondsPerDecision:F1} | {1_000_000 / wall.MicrosecondsPerDecision:N0} | {cpu.CpuMicrosecondsPerDecision:F1} | {1_000_000 / cpu.CpuMicrosecondsPerDecision:N0} | {rounds.Min(r => r.CpuMicrosecondsPerDecision):F1} | {wall.DecideMicroseconds:F1} | {wall.AllocatedBytesPerDecision:N0} | {wall.MeanFeasible:N0} |"));
}

Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Load average at the end: {LoadAverage()}."));
Console.WriteLine();
Console.WriteLine("Anchors (whole systems end to end, not a scheduler core alone; shown for scale):");
Console.WriteLine("- Kubernetes scheduler-throughput threshold (ClusterLoader2): 100 pods/s");
Console.WriteLine("- Nomad C1M (1,000,000 containers on 5,000 hosts): 3,750 containers/s");
Console.WriteLine("- Drover's target: ≤ 20 µs per decision at 1,000 nodes (50,000 decisions/s)");
if (perSecondAt1000 > 0)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"- At 1,000 nodes (CPU): {perSecondAt1000 / 100:N0}× the Kubernetes threshold, {perSecondAt1000 / 3_750:N1}× Nomad's C1M rate"));
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
