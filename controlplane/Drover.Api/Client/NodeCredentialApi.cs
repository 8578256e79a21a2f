using System.Text.Json;

namespace Drover.Api.Client;

/// <summary>
/// droverd's node-credential endpoints, outside the Kubernetes API as the join is: a node reads and renews the
/// credential it presents; the admin lists, revokes and re-issues any node's.
/// </summary>
public static class NodeCredentialApi
{
    /// <summary>The caller's own credential: GET describes it, POST renews it.</summary>
    public const string SelfPath = "/drover/v1/node-credential";

    /// <summary>Admin: GET lists every node's; …/NAME: DELETE revokes, POST issues a fresh one (replacing all).</summary>
    public const string AdminPath = "/drover/v1/node-credentials";

    public static async Task<NodeCredentialStatus> DescribeSelfAsync(DroverClient client, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return Parse(await client.GetRawAsync(SelfPath, ct).ConfigureAwait(false));
    }

    /// <summary>A new credential for the caller's node; the one presented keeps working until the new one is used, then for the overlap window.</summary>
    public static async Task<NodeCredentialStatus> RenewSelfAsync(DroverClient client, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return Parse(await client.SendRawAsync(HttpMethod.Post, SelfPath, [], "application/json", ct).ConfigureAwait(false));
    }

    public static async Task<NodeCredentialList> ListAsync(DroverClient client, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var bytes = await client.GetRawAsync(AdminPath, ct).ConfigureAwait(false);
        try
        {
            return JsonSerializer.Deserialize(bytes, ServerEndpointsJsonContext.Default.NodeCredentialList) ?? new NodeCredentialList();
        }
        catch (JsonException e)
        {
            throw new ApiClientException(new Status { Code = 0, Reason = "InternalError", Message = $"droverd's node credential list is not readable: {e.Message}" });
        }
    }

    public static async Task<NodeCredentialStatus> RevokeAsync(DroverClient client, string nodeName, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        return Parse(await client.SendRawAsync(HttpMethod.Delete, $"{AdminPath}/{Uri.EscapeDataString(nodeName)}", null, null, ct).ConfigureAwait(false));
    }

    public static async Task<NodeCredentialStatus> IssueAsync(DroverClient client, string nodeName, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        return Parse(await client.SendRawAsync(HttpMethod.Post, $"{AdminPath}/{Uri.EscapeDataString(nodeName)}", [], "application/json", ct).ConfigureAwait(false));
    }

    private static NodeCredentialStatus Parse(byte[] bytes)
    {
        try
        {
            return JsonSerializer.Deserialize(bytes, ServerEndpointsJsonContext.Default.NodeCredentialStatus)
                ?? throw new JsonException("empty answer");
        }
        catch (JsonException e)
        {
            throw new ApiClientException(new Status { Code = 0, Reason = "InternalError", Message = $"droverd's node credential answer is not readable: {e.Message}" });
        }
    }
}
