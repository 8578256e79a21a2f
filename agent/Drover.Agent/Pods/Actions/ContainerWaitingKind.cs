namespace Drover.Agent.Pods.Actions;

/// <summary>Which container a waiting container's status names (its id, image and last state come from there).</summary>
internal enum ContainerWaitingKind
{
    /// <summary>Waiting out the crash-loop back-off: the dead container is the status's container and its lastState.</summary>
    BackOff,

    /// <summary>No container was made (image not there, create failed): the latest dead one is only the lastState.</summary>
    NotCreated,

    /// <summary>A container was made and did not start: it is the status's container; the one before it the lastState.</summary>
    NotStarted,
}
