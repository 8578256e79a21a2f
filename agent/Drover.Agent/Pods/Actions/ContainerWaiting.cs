namespace Drover.Agent.Pods.Actions;

/// <summary>
/// A container that is not running and why (state.waiting's reason and message), until when if it waits for a
/// time. The plan sets CrashLoopBackOff; the executor the pull, create and start failures.
/// </summary>
internal sealed class ContainerWaiting
{
    public required ContainerWaitingKind Kind { get; init; }

    public required string Reason { get; init; }

    public string? Message { get; init; }

    /// <summary>When the worker should look again; null when only a change (or the resync) can help.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>The container the status names (<see cref="ContainerWaitingKind.BackOff"/>, <see cref="ContainerWaitingKind.NotStarted"/>).</summary>
    public string? ContainerId { get; init; }

    /// <summary>The attempt of the container that did not start (<see cref="ContainerWaitingKind.NotStarted"/>): its restart count.</summary>
    public uint Attempt { get; init; }

    /// <summary>The earliest time one of the containers may go on (null when none waits for a time).</summary>
    public static DateTimeOffset? Earliest(IReadOnlyDictionary<string, ContainerWaiting> waiting)
    {
        ArgumentNullException.ThrowIfNull(waiting);
        DateTimeOffset? earliest = null;
        foreach (var wait in waiting.Values)
        {
            if (wait.Until is { } until && (earliest is null || until < earliest))
            {
                earliest = until;
            }
        }

        return earliest;
    }
}
