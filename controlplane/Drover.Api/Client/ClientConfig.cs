using System.Text.Json.Serialization;

namespace Drover.Api.Client;

/// <summary>
/// The client config file, in kubeconfig's shape so that kubectl can read it too. Only the fields
/// Drover uses are modelled; others in a hand-edited file are tolerated.
/// </summary>
public sealed record ClientConfig
{
    public string ApiVersion { get; init; } = "v1";
    public string Kind { get; init; } = "Config";
    public List<NamedCluster> Clusters { get; init; } = [];
    public List<NamedUser> Users { get; init; } = [];
    public List<NamedContext> Contexts { get; init; } = [];
    [JsonPropertyName("current-context")]
    public string? CurrentContext { get; init; }
}

public sealed record NamedCluster
{
    public string Name { get; init; } = "";
    public ClusterEntry Cluster { get; init; } = new();
}

public sealed record ClusterEntry
{
    public string Server { get; init; } = "";
    [JsonPropertyName("certificate-authority-data")]
    public string? CertificateAuthorityData { get; init; }
}

public sealed record NamedUser
{
    public string Name { get; init; } = "";
    public UserEntry User { get; init; } = new();
}

public sealed record UserEntry
{
    public string? Token { get; init; }
}

public sealed record NamedContext
{
    public string Name { get; init; } = "";
    public ContextEntry Context { get; init; } = new();
}

public sealed record ContextEntry
{
    public string Cluster { get; init; } = "";
    public string User { get; init; } = "";
    public string? Namespace { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, MaxDepth = InputLimits.MaxDepth)]
[JsonSerializable(typeof(ClientConfig))]
internal sealed partial class ClientConfigJsonContext : JsonSerializerContext;
