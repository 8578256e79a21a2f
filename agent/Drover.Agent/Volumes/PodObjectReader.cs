using Drover.Api;
using Drover.Agent.Checkpoint;
using Drover.Api.Client;

namespace Drover.Agent.Volumes;

/// <summary>
/// Reads a pod's ConfigMaps and Secrets from droverd by name, each time the pod syncs (at least every resync
/// interval), so a change reaches the pod's volumes within one interval. The node authorizer lets a node read exactly
/// these, by name. Each answer goes to the <see cref="ObjectCheckpoint"/> (sealed; Secrets only with
/// --checkpoint-secrets); when droverd cannot be reached (no connection, a timeout, a 5xx) the checkpointed copy stands
/// in, so pods started offline from the pod checkpoint get their configMap (and, opted in, secret) volumes and env. A
/// 403 or 404 is droverd's answer and is never replaced.
/// </summary>
internal sealed class PodObjectReader
{
    private readonly DroverClient _api;
    private readonly ObjectCheckpoint? _checkpoint;

    public PodObjectReader(DroverClient api, ObjectCheckpoint? checkpoint = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        _api = api;
        _checkpoint = checkpoint;
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
                _checkpoint?.Save(reference.Type, ns, reference.Name, read);
                Keep(reference, read);
            }
            catch (Exception e) when (IsUnreachable(e) && !ct.IsCancellationRequested && _checkpoint?.Load(reference.Type, ns, reference.Name) is { } saved)
            {
                Keep(reference, saved);
            }
            catch (Exception e) when (e is ApiClientException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                error ??= IsUnreachable(e) && _checkpoint?.Keeps(reference.Type) == false
                    ? $"{e.Message} (Secrets are not kept on the node's disk for offline starts: drover-agent --checkpoint-secrets)"
                    : e.Message;
            }
        }

        return new PodObjects { ConfigMaps = configMaps, Secrets = secrets, ReadError = error };

        void Keep(PodReference reference, KubeObject? read)
        {
            if (reference.Type == ResourceTypes.ConfigMaps)
            {
                configMaps[reference.Name] = read as ConfigMap;
            }
            else
            {
                secrets[reference.Name] = read as Secret;
            }
        }
    }

    /// <summary>droverd did not answer (as opposed to answering no): no connection, a timeout, or a server error.</summary>
    private static bool IsUnreachable(Exception e) =>
        e is HttpRequestException or TaskCanceledException || (e is ApiClientException api && (api.Code is 0 or >= 500));
}
