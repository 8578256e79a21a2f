using Drover.Agent.Pods.Actions;
using Drover.Agent.Pods.Observed;

namespace Drover.Agent.Pods.Execution;

/// <summary>What carrying out a plan did: the pod as CRI has it now, and what the status and the pod's history need.</summary>
internal sealed class PodExecution
{
    /// <summary>The observed pod with every change the executor made (read back from CRI after each one).</summary>
    public required ObservedPod Observed { get; init; }

    /// <summary>The sandbox the containers live in now ("" when there is none).</summary>
    public required string SandboxId { get; init; }

    /// <summary>The plan's waits and the executor's failures (pull, create, start), by container name.</summary>
    public required IReadOnlyDictionary<string, ContainerWaiting> Waiting { get; init; }

    /// <summary>Containers stopped by the plan's kills.</summary>
    public IReadOnlyList<string> Killed { get; init; } = [];

    /// <summary>Containers restarted with their image present (each counts against its crash-loop back-off).</summary>
    public IReadOnlyList<string> Restarted { get; init; } = [];

    /// <summary>Containers created, by name, with their attempt.</summary>
    public IReadOnlyDictionary<string, uint> Created { get; init; } = new Dictionary<string, uint>();

    /// <summary>The earliest time a waiting container may go on.</summary>
    public DateTimeOffset? WakeAt => ContainerWaiting.Earliest(Waiting);
}
