using Drover.Testing;

namespace Drover.Bench.Agent;

/// <summary>Everything one run measured; filled in as the phases go, so a failed run still reports what it got.</summary>
internal sealed class RunResults
{
    public long BinaryBytes { get; set; }
    public double NodeReadyMs { get; set; } = double.NaN;
    public MemorySample? MemoryIdle { get; set; }
    public CpuWindow? CpuIdle { get; set; }
    public string? LoadDuringCpuIdle { get; set; }
    public FloorSample? FloorWarmUp { get; set; }
    public List<FloorSample> Floor { get; } = [];
    public List<BindSample> Bind { get; } = [];
    public MemorySample? MemoryWithPods { get; set; }
    public CpuWindow? CpuWithPods { get; set; }
    public string? LoadDuringCpuWithPods { get; set; }
    public int PodsRunning { get; set; }

    /// <summary>Of the bind pods' readiness probe loops, how many had died when the CPU window with pods began.</summary>
    public int DeadReadinessLoopsInWindow { get; set; }
    public int AgentErrors { get; set; }
    public int AgentWarnings { get; set; }
    public int DeadReadinessLoops { get; set; }

    /// <summary>What went wrong, in the order it happened; printed under the tables.</summary>
    public List<string> Problems { get; } = [];
}
