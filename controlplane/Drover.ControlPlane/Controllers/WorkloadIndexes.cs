using Drover.Api;
using Drover.ControlPlane.Controllers.Framework;
using Drover.ControlPlane.Informers;

namespace Drover.ControlPlane.Controllers;

/// <summary>
/// Informer indexes the workload controllers share: objects by their controller's uid (a ReplicaSet's pods,
/// a Deployment's ReplicaSets) and objects without a controller by namespace (candidates for adoption), so a
/// sync looks at its own objects instead of every object in the namespace.
/// </summary>
public static class WorkloadIndexes
{
    public const string ByControllerUid = "workloads/controller-uid";
    public const string OrphansByNamespace = "workloads/orphans-by-namespace";

    /// <summary>Pods by the node they are bound to: what else runs where a daemon pod should go.</summary>
    public const string PodsByNode = "workloads/pods-by-node";

    public static void EnsurePodsByNodeOn(Informer<Pod> pods)
    {
        ArgumentNullException.ThrowIfNull(pods);
        pods.EnsureIndex(PodsByNode, static pod => pod.Spec.NodeName is { Length: > 0 } node ? [node] : []);
    }

    public static void EnsureOn<T>(Informer<T> informer)
        where T : KubeObject
    {
        ArgumentNullException.ThrowIfNull(informer);
        informer.EnsureIndex(ByControllerUid, ControllerUid);
        informer.EnsureIndex(OrphansByNamespace, OrphanNamespace);
    }

    private static IEnumerable<string> ControllerUid(KubeObject obj) =>
        ControllerRefs.ControllerOf(obj.Metadata) is { Uid: { Length: > 0 } uid } ? [uid] : [];

    private static IEnumerable<string> OrphanNamespace(KubeObject obj) =>
        ControllerRefs.ControllerOf(obj.Metadata) is null ? [obj.Metadata.Namespace ?? ""] : [];
}
