using System.Text.Json;

namespace Drover.Api;

/// <summary>
/// apps/v1 ControllerRevision: an immutable snapshot of a DaemonSet's template, its rollout history (what
/// `rollout history` lists and `rollout undo` goes back to), as Kubernetes keeps it.
/// </summary>
public sealed record ControllerRevision : KubeObject
{
    /// <summary>The snapshot: for a DaemonSet, {"spec":{"template":{…,"$patch":"replace"}}} as Kubernetes writes it.</summary>
    public JsonElement? Data { get; init; }
    public long Revision { get; init; }

    public override KubeObject WithStatusFrom(KubeObject? other) => this;
}
