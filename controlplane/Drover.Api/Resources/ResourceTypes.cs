namespace Drover.Api;

/// <summary>The kinds Drover serves, with their Kubernetes names, paths and short names.</summary>
public static class ResourceTypes
{
    private static readonly ApiJsonContext Json = ApiJsonContext.Default;

    /// <summary>The "all" category, as Kubernetes files workloads and services under it for `kubectl get all`.</summary>
    private static readonly string[] InAllCategory = ["all"];

    public static readonly ResourceType<Namespace> Namespaces = new("", "v1", "Namespace", "namespaces", false, ["ns"], true, false, Json.Namespace, Json.KubeListNamespace);
    public static readonly ResourceType<Node> Nodes = new("", "v1", "Node", "nodes", false, ["no"], true, false, Json.Node, Json.KubeListNode);
    public static readonly ResourceType<Pod> Pods = new("", "v1", "Pod", "pods", true, ["po"], true, false, Json.Pod, Json.KubeListPod)
    {
        Categories = InAllCategory,
        OtherSubresources = [new("binding", "", "v1", "Binding", ["create"]), new("log", "", "v1", "Pod", ["get"]),
            new("exec", "", "v1", "PodExecOptions", ["create", "get"]), new("attach", "", "v1", "PodAttachOptions", ["create", "get"]),
            new("portforward", "", "v1", "PodPortForwardOptions", ["create", "get"])],
    };
    public static readonly ResourceType<Service> Services = new("", "v1", "Service", "services", true, ["svc"], true, false, Json.Service, Json.KubeListService) { Categories = InAllCategory };
    public static readonly ResourceType<Endpoints> Endpoints = new("", "v1", "Endpoints", "endpoints", true, ["ep"], false, false, Json.Endpoints, Json.KubeListEndpoints);
    public static readonly ResourceType<EndpointSlice> EndpointSlices = new("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", true, [], false, false, Json.EndpointSlice, Json.KubeListEndpointSlice);
    public static readonly ResourceType<ConfigMap> ConfigMaps = new("", "v1", "ConfigMap", "configmaps", true, ["cm"], false, false, Json.ConfigMap, Json.KubeListConfigMap);
    public static readonly ResourceType<Secret> Secrets = new("", "v1", "Secret", "secrets", true, [], false, false, Json.Secret, Json.KubeListSecret);
    public static readonly ResourceType<Event> Events = new("", "v1", "Event", "events", true, ["ev"], false, false, Json.Event, Json.KubeListEvent);
    public static readonly ResourceType<Deployment> Deployments = new("apps", "v1", "Deployment", "deployments", true, ["deploy"], true, true, Json.Deployment, Json.KubeListDeployment) { Categories = InAllCategory };
    public static readonly ResourceType<ReplicaSet> ReplicaSets = new("apps", "v1", "ReplicaSet", "replicasets", true, ["rs"], true, true, Json.ReplicaSet, Json.KubeListReplicaSet) { Categories = InAllCategory };
    public static readonly ResourceType<DaemonSet> DaemonSets = new("apps", "v1", "DaemonSet", "daemonsets", true, ["ds"], true, false, Json.DaemonSet, Json.KubeListDaemonSet) { Categories = InAllCategory };
    public static readonly ResourceType<ControllerRevision> ControllerRevisions = new("apps", "v1", "ControllerRevision", "controllerrevisions", true, [], false, false, Json.ControllerRevision, Json.KubeListControllerRevision);
    public static readonly ResourceType<Job> Jobs = new("batch", "v1", "Job", "jobs", true, [], true, false, Json.Job, Json.KubeListJob) { Categories = InAllCategory };
    public static readonly ResourceType<CronJob> CronJobs = new("batch", "v1", "CronJob", "cronjobs", true, ["cj"], true, false, Json.CronJob, Json.KubeListCronJob) { Categories = InAllCategory };
    public static readonly ResourceType<Ingress> Ingresses = new("networking.k8s.io", "v1", "Ingress", "ingresses", true, ["ing"], true, false, Json.Ingress, Json.KubeListIngress);
    public static readonly ResourceType<IngressClass> IngressClasses = new("networking.k8s.io", "v1", "IngressClass", "ingressclasses", false, [], false, false, Json.IngressClass, Json.KubeListIngressClass);
    public static readonly ResourceType<HorizontalPodAutoscaler> HorizontalPodAutoscalers = new("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, ["hpa"], true, false, Json.HorizontalPodAutoscaler, Json.KubeListHorizontalPodAutoscaler) { Categories = InAllCategory };
    public static readonly ResourceType<Lease> Leases = new("coordination.k8s.io", "v1", "Lease", "leases", true, [], false, false, Json.Lease, Json.KubeListLease);

    public static IReadOnlyList<ResourceType> All { get; } =
    [
        Namespaces, Nodes, Pods, Services, Endpoints, EndpointSlices, ConfigMaps, Secrets, Events,
        Deployments, ReplicaSets, DaemonSets, ControllerRevisions, Jobs, CronJobs, Ingresses, IngressClasses, HorizontalPodAutoscalers, Leases,
    ];

    /// <summary>The known kinds, for "unknown kind" messages.</summary>
    public static string KnownKinds { get; } = string.Join(", ", All.Select(r => r.Kind).Order(StringComparer.Ordinal));

    public static ResourceType? FindByKind(string kind)
    {
        foreach (var type in All)
            if (string.Equals(type.Kind, kind, StringComparison.Ordinal))
                return type;
        return null;
    }

    public static ResourceType? FindByPath(string group, string version, string plural)
    {
        foreach (var type in All)
            if (type.Plural == plural && type.Group == group && type.Version == version)
                return type;
        return null;
    }

    /// <summary>Resolves what a user types on the command line: plural, singular, short name, kind, or "plural.group".</summary>
    public static ResourceType? FindByCommandLineName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var lower = name.ToLowerInvariant();
        var dot = lower.IndexOf('.', StringComparison.Ordinal);
        var group = dot < 0 ? null : lower[(dot + 1)..];
        var bare = dot < 0 ? lower : lower[..dot];
        foreach (var type in All)
        {
            if (group is not null && type.Group != group)
                continue;
            if (type.Plural == bare || type.Singular == bare || type.ShortNames.Contains(bare))
                return type;
        }
        return null;
    }
}
