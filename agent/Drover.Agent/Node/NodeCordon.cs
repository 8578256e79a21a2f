using Drover.Api;
using Drover.Api.Client;

namespace Drover.Agent.Node;

/// <summary>
/// spec.unschedulable set and cleared by the agent for a node shutdown, written as the node's own identity
/// (droverd lets a node update its own Node). An annotation records that the agent did it, so that undoing
/// it — the shutdown was cancelled, or the node came back from the reboot — never uncordons a node an
/// operator cordoned (`drover cordon` or an edited spec).
/// </summary>
internal sealed class NodeCordon
{
    public const string Annotation = WellKnownAnnotations.CordonedFor;
    public const string ShutdownValue = "shutdown";

    private readonly Func<DroverClient> _api;
    private readonly string _nodeName;

    public NodeCordon(Func<DroverClient> api, string nodeName)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        _api = api;
        _nodeName = nodeName;
    }

    /// <summary>Marks the node unschedulable for a shutdown; false when it already was (by someone else, left as it is).</summary>
    public Task<bool> CordonAsync(CancellationToken ct) => UpdateAsync(node =>
        node.Spec.Unschedulable == true
            ? null
            : node with
            {
                Metadata = node.Metadata with { Annotations = With(node.Metadata.Annotations, ShutdownValue) },
                Spec = node.Spec with { Unschedulable = true },
            }, ct);

    /// <summary>Makes the node schedulable again if the agent cordoned it for a shutdown; false when there was nothing of ours to undo.</summary>
    public Task<bool> UncordonAsync(CancellationToken ct) => UpdateAsync(node =>
        node.Metadata.Annotations?.GetValueOrDefault(Annotation) != ShutdownValue
            ? null
            : node with
            {
                Metadata = node.Metadata with { Annotations = With(node.Metadata.Annotations, null) },
                Spec = node.Spec with { Unschedulable = null },
            }, ct);

    private async Task<bool> UpdateAsync(Func<Api.Node, Api.Node?> change, CancellationToken ct)
    {
        var api = _api();
        // The status reporter or the heartbeat may write meanwhile: a conflict reads again.
        return await ConflictRetry.RetryOnConflictAsync(async token =>
        {
            var node = await api.GetAsync(ResourceTypes.Nodes, null, _nodeName, token).ConfigureAwait(false);
            if (change(node) is not { } changed)
                return false;
            await api.UpdateAsync(ResourceTypes.Nodes, changed, null, token).ConfigureAwait(false);
            return true;
        }, ct: ct).ConfigureAwait(false);
    }

    private static Dictionary<string, string>? With(Dictionary<string, string>? annotations, string? value)
    {
        var copy = annotations is null ? new Dictionary<string, string>(StringComparer.Ordinal) : new Dictionary<string, string>(annotations, StringComparer.Ordinal);
        if (value is null)
            copy.Remove(Annotation);
        else
            copy[Annotation] = value;
        return copy.Count > 0 ? copy : null;
    }
}
