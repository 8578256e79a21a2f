namespace Drover.Api;

/// <summary>
/// Server-side defaults as Kubernetes documents them, applied between decoding and validation.
/// Pure: returns a new object (records copied with <c>with</c>, changed collections rebuilt) and never
/// mutates its input; applying it twice gives the same result as once.
/// </summary>
public static class ObjectDefaulter
{
    public static KubeObject ApplyDefaults(KubeObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return obj switch
        {
            Pod pod => PodDefaults.Apply(pod),
            Deployment deployment => WorkloadDefaults.Apply(deployment),
            ReplicaSet replicaSet => WorkloadDefaults.Apply(replicaSet),
            Job job => JobDefaults.Apply(job),
            CronJob cronJob => JobDefaults.Apply(cronJob),
            DaemonSet daemonSet => WorkloadDefaults.Apply(daemonSet),
            Service service => ServiceDefaults.Apply(service),
            Endpoints endpoints => ServiceDefaults.Apply(endpoints),
            EndpointSlice slice => ServiceDefaults.Apply(slice),
            HorizontalPodAutoscaler hpa => HorizontalPodAutoscalerDefaults.Apply(hpa),
            Secret secret => SecretDefaults.Apply(secret),
            Node node => NodeDefaults.Apply(node),
            // Ingress pathType has no default on purpose; the remaining kinds have none either.
            _ => obj with { },
        };
    }
}
