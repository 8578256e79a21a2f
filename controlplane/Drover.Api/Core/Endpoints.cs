namespace Drover.Api;

public sealed record Endpoints : KubeObject
{
    public List<EndpointSubset>? Subsets { get; init; }

    public override KubeObject WithStatusFrom(KubeObject? other) => this;
}

public sealed record EndpointSubset
{
    public List<EndpointAddress>? Addresses { get; init; }
    public List<EndpointAddress>? NotReadyAddresses { get; init; }
    public List<EndpointPort>? Ports { get; init; }
}

public sealed record EndpointAddress
{
    public string Ip { get; init; } = "";
    public string? Hostname { get; init; }
    public string? NodeName { get; init; }
    public ObjectReference? TargetRef { get; init; }
}

public sealed record EndpointPort
{
    public string? Name { get; init; }
    public int Port { get; init; }
    public string? Protocol { get; init; }
    public string? AppProtocol { get; init; }
}
