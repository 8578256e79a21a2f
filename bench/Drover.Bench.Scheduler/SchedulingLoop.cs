using System.Diagnostics;
using Drover.Scheduling;

namespace Drover.Bench.Scheduler;

/// <summary>What droverd's loop will do per pending pod, minus the API calls.</summary>
internal sealed class SchedulingLoop(BenchCluster cluster, Drover.Scheduling.Scheduler scheduler, int window)
{
    private readonly Queue<PodInfo> _placed = new(window + 1);
    private int _next;

    public RoundResult Run(int decisions)
    {
        var snapshot = cluster.Snapshot;
        var pending = cluster.Pending;
        long decideTicks = 0;
        long feasible = 0;
        var unschedulable = 0;
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < decisions; i++)
        {
            var pod = PodInfo.From(pending[_next]);
            _next = (_next + 1) % pending.Length;
            var before = Stopwatch.GetTimestamp();
            var decision = scheduler.Decide(snapshot, pod);
            decideTicks += Stopwatch.GetTimestamp() - before;
            if (decision is Placement placement)
            {
                snapshot.Assume(pod, placement.NodeName);
                feasible += placement.FeasibleNodes;
                _placed.Enqueue(pod);
                if (_placed.Count > window)
                    snapshot.Forget(_placed.Dequeue());
            }
            else
            {
                unschedulable++;
            }
        }
        var elapsed = Stopwatch.GetElapsedTime(start);
        var cpu = Environment.CpuUsage.TotalTime - cpuBefore;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        return new RoundResult(
            elapsed.TotalMicroseconds / decisions,
            cpu.TotalMicroseconds / decisions,
            decideTicks * 1_000_000.0 / Stopwatch.Frequency / decisions,
            (double)allocated / decisions,
            decisions == unschedulable ? 0 : (double)feasible / (decisions - unschedulable),
            unschedulable);
    }
}

internal sealed record RoundResult(
    double MicrosecondsPerDecision,
    double CpuMicrosecondsPerDecision,
    double DecideMicroseconds,
    double AllocatedBytesPerDecision,
    double MeanFeasible,
    int Unschedulable);
