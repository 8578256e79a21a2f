namespace Drover.Api;

public sealed record Service : KubeObject
{
    public ServiceSpec Spec { get; init; } = new();
    public ServiceStatus? Status { get; init; }

    public override KubeObject WithStatusFrom(KubeObject? other) => this with { Status = (other as Service)?.Status };
}

public sealed record ServiceSpec
{
    public string? Type { get; init; }
    public Dictionary<string, string>? Selector { get; init; }
    public List<ServicePort>? Ports { get; init; }
    public string? ClusterIP { get; init; }
    public List<string>? ClusterIPs { get; init; }
    public string? SessionAffinity { get; init; }
    public SessionAffinityConfig? SessionAffinityConfig { get; init; }

    /// <summary>Cluster (default) or Local: whether cluster-IP traffic may go to endpoints on other nodes.</summary>
    public string? InternalTrafficPolicy { get; init; }

    /// <summary>
    /// Cluster (default for NodePort and LoadBalancer) or Local: node-port and load-balancer traffic goes only to
    /// the receiving node's endpoints, without masquerade, so the endpoint sees the client's address.
    /// </summary>
    public string? ExternalTrafficPolicy { get; init; }

    /// <summary>Allocated from the node-port range for a LoadBalancer with externalTrafficPolicy Local, as Kubernetes does.</summary>
    public int? HealthCheckNodePort { get; init; }
    public string? ExternalName { get; init; }
    public bool? PublishNotReadyAddresses { get; init; }
}

public sealed record SessionAffinityConfig
{
    public ClientIPConfig? ClientIP { get; init; }
}

public sealed record ClientIPConfig
{
    /// <summary>1..86400; Kubernetes' default is 10800 (3 hours).</summary>
    public int? TimeoutSeconds { get; init; }
}

public sealed record ServicePort
{
    public string? Name { get; init; }
    public string? Protocol { get; init; }
    public int Port { get; init; }
    public IntOrString? TargetPort { get; init; }
    public int? NodePort { get; init; }
    public string? AppProtocol { get; init; }
}

public sealed record ServiceStatus
{
    public LoadBalancerStatus? LoadBalancer { get; init; }
}

public sealed record LoadBalancerStatus
{
    public List<LoadBalancerIngress>? Ingress { get; init; }
}

public sealed record LoadBalancerIngress
{
    public string? Ip { get; init; }
    public string? Hostname { get; init; }
}
