using System.Text.Json.Serialization;

namespace Drover.Api;

public sealed record Node : KubeObject
{
    public NodeSpec Spec { get; init; } = new();
    public NodeStatus? Status { get; init; }

    public override KubeObject WithStatusFrom(KubeObject? other) => this with { Status = (other as Node)?.Status };
}

public sealed record NodeSpec
{
    public string? PodCIDR { get; init; }
    public List<string>? PodCIDRs { get; init; }
    public bool? Unschedulable { get; init; }
    public List<Taint>? Taints { get; init; }
    public string? ProviderID { get; init; }
}

public sealed record Taint
{
    public string Key { get; init; } = "";
    public string? Value { get; init; }
    public string Effect { get; init; } = "";
    public DateTimeOffset? TimeAdded { get; init; }
}

public sealed record NodeStatus
{
    public Dictionary<string, Quantity>? Capacity { get; init; }
    public Dictionary<string, Quantity>? Allocatable { get; init; }
    public List<NodeCondition>? Conditions { get; init; }
    public List<NodeAddress>? Addresses { get; init; }
    public NodeSystemInfo? NodeInfo { get; init; }
    public NodeDaemonEndpoints? DaemonEndpoints { get; init; }
}

/// <summary>Endpoints of the daemons on the node; the agent's HTTPS endpoint is the kubelet's.</summary>
public sealed record NodeDaemonEndpoints
{
    public DaemonEndpoint? KubeletEndpoint { get; init; }
}

public sealed record DaemonEndpoint
{
    /// <summary>Capitalised in JSON, as Kubernetes' DaemonEndpoint has it (<c>json:"Port"</c>).</summary>
    [JsonPropertyName("Port")]
    public int Port { get; init; }
}

public sealed record NodeCondition
{
    public string Type { get; init; } = "";
    public string Status { get; init; } = "";
    public DateTimeOffset? LastHeartbeatTime { get; init; }
    public DateTimeOffset? LastTransitionTime { get; init; }
    public string? Reason { get; init; }
    public string? Message { get; init; }
}

public sealed record NodeAddress
{
    public string Type { get; init; } = "";
    public string Address { get; init; } = "";
}

public sealed record NodeSystemInfo
{
    public string? MachineID { get; init; }
    public string? SystemUUID { get; init; }
    public string? BootID { get; init; }
    public string? KernelVersion { get; init; }
    public string? OsImage { get; init; }
    public string? ContainerRuntimeVersion { get; init; }
    public string? KubeletVersion { get; init; }
    public string? KubeProxyVersion { get; init; }
    public string? OperatingSystem { get; init; }
    public string? Architecture { get; init; }
}
