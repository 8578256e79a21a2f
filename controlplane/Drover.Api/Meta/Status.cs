using System.Text.Json.Serialization;

namespace Drover.Api;

/// <summary>The Kubernetes <c>Status</c> object every API error is reported as.</summary>
public sealed record Status
{
    public string ApiVersion { get; init; } = "v1";
    public string Kind { get; init; } = "Status";
    public ListMeta Metadata { get; init; } = new();
    /// <summary>"Success" or "Failure"; named apart because a member may not share its type's name.</summary>
    [JsonPropertyName("status")]
    public string? Outcome { get; init; }
    public string? Message { get; init; }
    public string? Reason { get; init; }
    public StatusDetails? Details { get; init; }
    public int Code { get; init; }
}

public sealed record StatusDetails
{
    public string? Name { get; init; }
    public string? Group { get; init; }
    public string? Kind { get; init; }
    public string? Uid { get; init; }
    public List<StatusCause>? Causes { get; init; }
}

public sealed record StatusCause
{
    public string? Reason { get; init; }
    public string? Message { get; init; }
    public string? Field { get; init; }
}
