namespace Drover.Agent.Pods.Actions;

/// <summary>
/// One sync's plan (the kubelet's podActions): either the pod stops (<see cref="Termination"/>, nothing else is set),
/// or the sandbox step (stale sandboxes to remove, perhaps a new one), the containers to kill, the containers to start
/// and the containers that wait. A container in none of these lists runs, or is done: its status says so.
/// </summary>
internal sealed class PodActions
{
    public PodTermination? Termination { get; init; }

    /// <summary>The sandbox the containers live in (empty when there is none, or when <see cref="CreateSandbox"/> makes it).</summary>
    public string SandboxId { get; init; } = "";

    public uint SandboxAttempt { get; init; }

    public SandboxToCreate? CreateSandbox { get; init; }

    /// <summary>Sandboxes to stop and remove with their containers, before anything else.</summary>
    public IReadOnlyList<string> SandboxesToRemove { get; init; } = [];

    /// <summary>
    /// Set with <see cref="CreateSandbox"/>: the attempt each container goes on from in the new sandbox, taken from the
    /// containers of the old ones before they are removed (restart counts go on across sandboxes).
    /// </summary>
    public IReadOnlyDictionary<string, uint> AttemptsCarriedOver { get; init; } = new Dictionary<string, uint>();

    public IReadOnlyList<ContainerToKill> ContainersToKill { get; init; } = [];

    /// <summary>In spec order; each after the kills (a container killed to be restarted is in both).</summary>
    public IReadOnlyList<ContainerToStart> ContainersToStart { get; init; } = [];

    /// <summary>Containers waiting by the plan's decision (crash-loop back-off), by name.</summary>
    public IReadOnlyDictionary<string, ContainerWaiting> Waiting { get; init; } = new Dictionary<string, ContainerWaiting>();

    /// <summary>The earliest time a waiting container may go on: the worker syncs again then.</summary>
    public DateTimeOffset? WakeAt => ContainerWaiting.Earliest(Waiting);

    public bool IsEmpty =>
        Termination is null && CreateSandbox is null && SandboxesToRemove.Count == 0 && ContainersToKill.Count == 0 && ContainersToStart.Count == 0;
}
