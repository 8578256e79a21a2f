using Drover.Api;

namespace Drover.Agent.Volumes;

/// <summary>
/// The ConfigMaps and Secrets a pod references (<see cref="PodReferences"/>), as read from droverd for one sync: by
/// name, null when droverd said there is none. A name absent from the map was not read (droverd unreachable):
/// what needs it cannot be set up now and waits for a later sync.
/// </summary>
internal sealed class PodObjects
{
    public static readonly PodObjects None = new();

    public IReadOnlyDictionary<string, ConfigMap?> ConfigMaps { get; init; } = new Dictionary<string, ConfigMap?>(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, Secret?> Secrets { get; init; } = new Dictionary<string, Secret?>(StringComparer.Ordinal);

    /// <summary>Why some could not be read (the first failure), or null.</summary>
    public string? ReadError { get; init; }

    /// <summary>The ConfigMap, or an error message: kubelet's words for a missing one.</summary>
    public (ConfigMap? Map, string? Error) ConfigMap(string ns, string name, bool optional)
    {
        if (!ConfigMaps.TryGetValue(name, out var map))
        {
            return (null, $"configmap \"{name}\" could not be read: {ReadError ?? "not fetched"}");
        }

        return map is null && !optional ? (null, $"configmap \"{name}\" not found") : (map, null);
    }

    public (Secret? Secret, string? Error) Secret(string ns, string name, bool optional)
    {
        if (!Secrets.TryGetValue(name, out var secret))
        {
            return (null, $"secret \"{name}\" could not be read: {ReadError ?? "not fetched"}");
        }

        return secret is null && !optional ? (null, $"secret \"{name}\" not found") : (secret, null);
    }
}
