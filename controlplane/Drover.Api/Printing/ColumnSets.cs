using Drover.Api;

namespace Drover.Api.Printing;

/// <summary>Which columns `get` prints for each kind (kubectl's table conversions, done client-side).</summary>
public static class ColumnSets
{
    public static IReadOnlyList<Column> For(ResourceType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.Kind switch
        {
            "Pod" => PodColumns.All,
            "Deployment" => WorkloadColumns.Deployments,
            "ReplicaSet" => WorkloadColumns.ReplicaSets,
            "DaemonSet" => WorkloadColumns.DaemonSets,
            "ControllerRevision" => WorkloadColumns.ControllerRevisions,
            "Job" => BatchColumns.Jobs,
            "CronJob" => BatchColumns.CronJobs,
            "Service" => ServiceColumns.Services,
            "Endpoints" => ServiceColumns.Endpoints,
            "Ingress" => NetworkingColumns.Ingresses,
            "IngressClass" => NetworkingColumns.IngressClasses,
            "HorizontalPodAutoscaler" => AutoscalingColumns.HorizontalPodAutoscalers,
            "Node" => NodeColumns.All,
            "Namespace" => CoreColumns.Namespaces,
            "ConfigMap" => CoreColumns.ConfigMaps,
            "Secret" => CoreColumns.Secrets,
            "Event" => CoreColumns.Events,
            "Lease" => CoreColumns.Leases,
            _ => CoreColumns.Generic,
        };
    }
}
