namespace Drover.Api.Patching;

/// <summary>
/// The one table of merge keys and strategies, from Kubernetes' API types (k8s.io/api struct tags): the strategic merge
/// patch reads it, and the OpenAPI documents publish it (x-kubernetes-patch-merge-key / -strategy) so kubectl computes
/// the same patches. Keyed by the declaring type's name and the JSON field, so a type added later (Volume) needs only
/// its row here. A field absent from the table is replaced whole, as Kubernetes does for lists without a strategy
/// (tolerations, args, command).
/// </summary>
public static class PatchStrategies
{
    private static readonly PatchStrategy ByName = new(true, "name", false);
    private static readonly PatchStrategy ByType = new(true, "type", false);
    private static readonly PatchStrategy Set = new(true, null, false);

    private static readonly Dictionary<(string Type, string Field), PatchStrategy> Table = new()
    {
        [("ObjectMeta", "finalizers")] = Set,
        [("ObjectMeta", "ownerReferences")] = new(true, "uid", false),
        [("PodSpec", "containers")] = ByName,
        [("PodSpec", "initContainers")] = ByName,
        [("PodSpec", "ephemeralContainers")] = ByName,
        [("PodSpec", "volumes")] = new(true, "name", true),
        [("PodSpec", "imagePullSecrets")] = ByName,
        [("PodSpec", "hostAliases")] = new(true, "ip", false),
        [("Container", "ports")] = new(true, "containerPort", false),
        [("Container", "env")] = ByName,
        [("Container", "volumeMounts")] = new(true, "mountPath", false),
        [("Container", "volumeDevices")] = new(true, "devicePath", false),
        [("PodStatus", "conditions")] = ByType,
        [("PodStatus", "podIPs")] = new(true, "ip", false),
        [("NodeStatus", "conditions")] = ByType,
        [("NodeStatus", "addresses")] = ByType,
        [("ServiceSpec", "ports")] = new(true, "port", false),
        [("DeploymentSpec", "strategy")] = new(false, null, true),
        [("DeploymentStatus", "conditions")] = ByType,
        [("ReplicaSetStatus", "conditions")] = ByType,
        [("JobStatus", "conditions")] = ByType,
        [("DaemonSetStatus", "conditions")] = ByType,
        [("NamespaceStatus", "conditions")] = ByType,
    };

    /// <summary>The strategy of <paramref name="field"/> (its JSON name) in the type named <paramref name="typeName"/>; null: replace.</summary>
    public static PatchStrategy? Find(string typeName, string field)
    {
        ArgumentNullException.ThrowIfNull(typeName);
        ArgumentNullException.ThrowIfNull(field);
        return Table.GetValueOrDefault((typeName, field));
    }
}
