namespace Drover.Agent.Volumes;

/// <summary>
/// The outcome of setting up a pod's volumes for one sync: the host directory (or file) of each volume that is
/// ready, by volume name, and the first failure (kubelet's FailedMount message), if any.
/// </summary>
internal sealed class PodVolumes
{
    public static readonly PodVolumes None = new();

    public IReadOnlyDictionary<string, string> Paths { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Volumes whose content the runtime must never change (configMap, secret, downwardAPI, projected).</summary>
    public IReadOnlySet<string> ReadOnly { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    public string? Error { get; init; }
}
