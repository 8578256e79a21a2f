namespace Drover.Agent.Pods.Actions;

internal enum PodTerminationKind
{
    /// <summary>No longer bound here: stop and remove everything, report nothing.</summary>
    Gone,

    /// <summary>Deleted with a grace period: drain, preStop, stop, report the last statuses, remove, finish the deletion.</summary>
    Deleted,

    /// <summary>The node shuts down: preStop, stop within the deadline, report Failed, stop the sandbox; the pod stays (its owner replaces it).</summary>
    Shutdown,
}
