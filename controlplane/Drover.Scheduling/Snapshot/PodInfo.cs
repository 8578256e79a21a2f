using Drover.Api;

namespace Drover.Scheduling;

/// <summary>
/// What the scheduler needs of a pod, read once per pod: requests as longs (millicores, bytes) so no
/// decision touches a <see cref="Quantity"/>, tolerations and node selector as arrays for tight loops,
/// and the controller owner whose replicas the spread scorer keeps apart.
/// </summary>
public sealed class PodInfo
{
    /// <summary>Kubernetes DefaultMilliCPURequest: a container without a cpu request counts as this when scoring.</summary>
    public const long DefaultMilliCpuRequest = 100;

    /// <summary>Kubernetes DefaultMemoryRequest (200 MiB), the memory counterpart of <see cref="DefaultMilliCpuRequest"/>.</summary>
    public const long DefaultMemoryRequest = 200L * 1024 * 1024;

    private readonly Toleration[] _tolerations;
    private readonly Toleration[] _preferNoScheduleTolerations;
    private readonly KeyValuePair<string, string>[] _nodeSelector;

    private PodInfo(Pod pod, PodSpec spec)
    {
        Pod = pod;
        Key = KeyOf(pod);
        OwnerUid = ControllerUid(pod.Metadata);
        var requests = ResourceAmounts.OfPod(spec);
        MilliCpu = requests.MilliCpu;
        MemoryBytes = requests.MemoryBytes;
        NonZeroMilliCpu = requests.NonZeroMilliCpu;
        NonZeroMemoryBytes = requests.NonZeroMemoryBytes;
        _nodeSelector = spec.NodeSelector is { Count: > 0 } selector ? [.. selector] : [];
        _tolerations = [];
        _preferNoScheduleTolerations = [];
        if (spec.Tolerations is not { Count: > 0 } all)
            return;
        // Plain loops, not LINQ: this runs once per decision.
        var tolerations = new List<Toleration>(all.Count);
        var preferNoSchedule = new List<Toleration>(all.Count);
        foreach (var toleration in all)
        {
            if (toleration is null)
                continue;
            tolerations.Add(toleration);
            // Kubernetes' TaintToleration scorer only weighs tolerations that can apply to PreferNoSchedule.
            if (string.IsNullOrEmpty(toleration.Effect) || toleration.Effect == TaintEffects.PreferNoSchedule)
                preferNoSchedule.Add(toleration);
            ToleratesUnschedulable |= TolerationMatching.Tolerates(toleration, TaintEffects.UnschedulableTaintKey, "", TaintEffects.NoSchedule);
        }
        _tolerations = [.. tolerations];
        _preferNoScheduleTolerations = [.. preferNoSchedule];
    }

    public Pod Pod { get; }

    /// <summary>The pod's identity in the snapshot: its UID, or namespace/name for a pod not yet stored.</summary>
    public string Key { get; }

    /// <summary>UID of the controller ownerReference (a ReplicaSet's), or null for a bare pod.</summary>
    public string? OwnerUid { get; }

    /// <summary>Requested cpu in millicores: max(sum of containers, largest init container), as Kubernetes counts it.</summary>
    public long MilliCpu { get; }

    /// <summary>Requested memory in bytes, counted as <see cref="MilliCpu"/> is.</summary>
    public long MemoryBytes { get; }

    /// <summary>As <see cref="MilliCpu"/>, with <see cref="DefaultMilliCpuRequest"/> for each container that requests none.</summary>
    public long NonZeroMilliCpu { get; }

    /// <summary>As <see cref="MemoryBytes"/>, with <see cref="DefaultMemoryRequest"/> for each container that requests none.</summary>
    public long NonZeroMemoryBytes { get; }

    /// <summary>Requests neither cpu nor memory (Kubernetes' BestEffort as the scorers see it).</summary>
    public bool IsBestEffort => MilliCpu == 0 && MemoryBytes == 0;

    public ReadOnlySpan<Toleration> Tolerations => _tolerations;

    /// <summary>The tolerations with an empty or PreferNoSchedule effect.</summary>
    public ReadOnlySpan<Toleration> PreferNoScheduleTolerations => _preferNoScheduleTolerations;

    /// <summary><c>spec.nodeSelector</c> as pairs; empty when the pod has none.</summary>
    public ReadOnlySpan<KeyValuePair<string, string>> NodeSelector => _nodeSelector;

    /// <summary>Tolerates <c>node.kubernetes.io/unschedulable:NoSchedule</c>, so cordoned nodes stay open to it.</summary>
    public bool ToleratesUnschedulable { get; }

    public static PodInfo From(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        // Spec is non-null by type, but a JSON "spec": null still decodes to null.
        return new PodInfo(pod, pod.Spec ?? new PodSpec());
    }

    /// <summary>The snapshot key of <paramref name="pod"/> without reading its requests.</summary>
    public static string KeyOf(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var meta = pod.Metadata ?? new ObjectMeta();
        return string.IsNullOrEmpty(meta.Uid) ? $"{meta.Namespace}/{meta.Name}" : meta.Uid;
    }

    public override string ToString() => $"{Pod.Metadata?.Namespace}/{Pod.Metadata?.Name}";

    private static string? ControllerUid(ObjectMeta? meta)
    {
        foreach (var owner in meta?.OwnerReferences ?? [])
        {
            if (owner is { Controller: true } && !string.IsNullOrEmpty(owner.Uid))
                return owner.Uid;
        }
        return null;
    }
}
