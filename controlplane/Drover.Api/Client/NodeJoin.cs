using System.Text.Json.Serialization;

namespace Drover.Api.Client;

/// <summary>What an agent sends to <c>POST /drover/v1/join</c> with the join token as bearer.</summary>
public sealed record NodeJoinRequest
{
    public string NodeName { get; init; } = "";
}

/// <summary>The node's own credential: stored 0600 by the agent and used instead of the join token from then on.</summary>
public sealed record NodeJoinResponse
{
    public string NodeName { get; init; } = "";
    public string Token { get; init; } = "";
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, MaxDepth = InputLimits.MaxDepth)]
[JsonSerializable(typeof(NodeJoinRequest))]
[JsonSerializable(typeof(NodeJoinResponse))]
public sealed partial class NodeJoinJsonContext : JsonSerializerContext;
