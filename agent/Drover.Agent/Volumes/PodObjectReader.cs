using Drover.Api;
using Drover.Api.Client;

namespace Drover.Agent.Volumes;

/// <summary>
/// Reads a pod's ConfigMaps and Secrets from droverd by name, each time the pod syncs (at least every resync
/// interval), so a change reaches the pod's volumes within one interval. The node authorizer lets a node read exactly
/// these, by name.
/// </summary>
internal sealed class PodObjectReader
{
    private readonly DroverClient _api;

    public PodObjectReader(DroverClient api)
    {
        ArgumentNullException.ThrowIfNull(api);
        _api = api;
    }

    public async Task<PodObjects> ReadAsync(Pod pod, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var references = PodReferences.Of(pod.Spec).Distinct().ToList();
        if (references.Count == 0)
        {
            return PodObjects.None;
        }

        var ns = pod.Metadata.Namespace ?? "default";
        var configMaps = new Dictionary<string, ConfigMap?>(StringComparer.Ordinal);
        var secrets = new Dictionary<string, Secret?>(StringComparer.Ordinal);
        string? error = null;
        foreach (var reference in references)
        {
            try
            {
                var read = await _api.TryGetAsync(reference.Type, ns, reference.Name, ct).ConfigureAwait(false);
                if (reference.Type == ResourceTypes.ConfigMaps)
                {
                    configMaps[reference.Name] = read as ConfigMap;
                }
                else
                {
                    secrets[reference.Name] = read as Secret;
                }
            }
            catch (Exception e) when (e is ApiClientException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                error ??= e.Message;
            }
        }

        return new PodObjects { ConfigMaps = configMaps, Secrets = secrets, ReadError = error };
    }
}
