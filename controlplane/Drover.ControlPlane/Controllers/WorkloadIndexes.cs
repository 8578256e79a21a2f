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
