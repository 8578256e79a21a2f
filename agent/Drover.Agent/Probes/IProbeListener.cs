namespace Drover.Agent.Probes;

/// <summary>What a container's prober tells its pod worker. Called from timer threads; must not block.</summary>
internal interface IProbeListener
{
    /// <summary>Started or Ready of a container changed: the pod's status needs a sync.</summary>
    void OnProbeStateChanged(string containerId);

    /// <summary>One probe attempt failed (for Unhealthy events).</summary>
    void OnProbeFailed(string containerId, string containerName, ProbeKind kind, string message, bool settled);

    /// <summary>A liveness or startup probe reached its failure threshold: the container must be restarted.</summary>
    void OnContainerUnhealthy(string containerId, string containerName, ProbeKind kind, string message);
}
