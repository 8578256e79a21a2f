namespace Drover.Api.Client;

/// <summary>Every node's credential (<c>GET /drover/v1/node-credentials</c>, admin only), by node name.</summary>
public sealed record NodeCredentialList
{
    public IReadOnlyList<NodeCredentialStatus> Items { get; init; } = [];
}
