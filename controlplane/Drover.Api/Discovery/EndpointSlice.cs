namespace Drover.Api;

/// <summary>discovery.k8s.io/v1 EndpointSlice: a part of a Service's endpoints, each with its own conditions.</summary>
public sealed record EndpointSlice : KubeObject
{
    /// <summary>IPv4, IPv6 or FQDN; Drover's controller writes IPv4.</summary>
    public string AddressType { get; init; } = "";
    public List<SliceEndpoint>? Endpoints { get; init; }
    public List<EndpointSlicePort>? Ports { get; init; }

    public override KubeObject WithStatusFrom(KubeObject? other) => this;
}

public sealed record SliceEndpoint
{
    public List<string> Addresses { get; init; } = [];
    public EndpointConditions? Conditions { get; init; }
    public string? Hostname { get; init; }
    public ObjectReference? TargetRef { get; init; }
    public string? NodeName { get; init; }
    public string? Zone { get; init; }
}

/// <summary>
/// ready: the endpoint takes new traffic (serving and not terminating); serving: it answers (readiness, even while
/// terminating); terminating: its pod is being deleted. A proxy sends new connections to ready endpoints only.
/// </summary>
public sealed record EndpointConditions
{
    public bool? Ready { get; init; }
    public bool? Serving { get; init; }
    public bool? Terminating { get; init; }
}

public sealed record EndpointSlicePort
{
    public string? Name { get; init; }
    public string? Protocol { get; init; }
    public int? Port { get; init; }
    public string? AppProtocol { get; init; }
}
