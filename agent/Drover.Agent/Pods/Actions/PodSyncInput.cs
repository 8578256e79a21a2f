using Drover.Agent.Pods.Observed;
using Drover.Api;

namespace Drover.Agent.Pods.Actions;

/// <summary>Everything <see cref="PodPlanner.ComputePodActions"/> decides from; it reads nothing else.</summary>
internal sealed class PodSyncInput
{
    /// <summary>The desired pod (spec, deletion mark, and the status droverd last had).</summary>
    public required Pod Pod { get; init; }

    public required ObservedPod Observed { get; init; }

    public required IPodHistory History { get; init; }

    /// <summary>Running containers whose liveness or startup probe reached its failure threshold: container id → why.</summary>
    public IReadOnlyDictionary<string, string> Unhealthy { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Containers that cannot be configured now (a missing ConfigMap or Secret key, a bad subPath), by name → why: a
    /// start becomes a wait with CreateContainerConfigError, as the kubelet's.
    /// </summary>
    public IReadOnlyDictionary<string, string> ConfigErrors { get; init; } = new Dictionary<string, string>();

    /// <summary>A volume of the pod could not be set up (kubelet's FailedMount): no container starts until it is.</summary>
    public string? VolumeError { get; init; }

    /// <summary>Why the pod stops besides a deletion, or null.</summary>
    public PodStop? Stop { get; init; }

    /// <summary>The worker has seen the pod finish (it stopped the sandbox of a Succeeded or Failed pod).</summary>
    public bool FinishedHere { get; init; }

    /// <summary>How long a deleted pod serves on before its containers get SIGTERM (PodManagerOptions.TerminationDrainDelay).</summary>
    public TimeSpan TerminationDrainDelay { get; init; }

    public required DateTimeOffset Now { get; init; }
}
