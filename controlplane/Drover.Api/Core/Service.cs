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
    public string? ExternalName { get; init; }
    public bool? PublishNotReadyAddresses { get; init; }
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
