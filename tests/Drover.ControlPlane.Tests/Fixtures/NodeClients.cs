using Drover.Api;
using Drover.Api.Client;
using Drover.Testing;

namespace Drover.ControlPlane.Testing;

/// <summary>Node identities for authorization tests: join as a node, write a Node as the agent does, expect a 403.</summary>
internal static class NodeClients
{
    /// <summary>Joins <paramref name="server"/> as <paramref name="nodeName"/> with its join token; a client with the node's credential.</summary>
    public static async Task<DroverClient> JoinAsync(DroverdProcess server, string nodeName)
    {
        var joinToken = (await File.ReadAllTextAsync(Path.Combine(server.DataDirectory, "credentials", "join-token"))).Trim();
        var settings = await NodeJoiner.JoinAsync(new Uri($"https://127.0.0.1:{server.Port}"), joinToken, nodeName);
        return server.ClientWithToken(settings.Token);
    }

    /// <summary>
    /// GET, change, PUT, again on a conflict, as the agent writes its Node: droverd's lifecycle controller (or the
    /// agent itself) may write the Node at any moment.
    /// </summary>
    public static Task<Node> ChangeNodeAsync(DroverClient client, string name, Func<Node, Node> change, string? subresource = null) =>
        ConflictRetry.RetryOnConflictAsync(async _ =>
        {
            var node = await client.GetAsync(ResourceTypes.Nodes, null, name);
            return await client.UpdateAsync(ResourceTypes.Nodes, change(node), subresource);
        }, maxAttempts: 10);

    /// <summary>Runs <paramref name="call"/>, which must be refused with 403; returns the refusal.</summary>
    public static async Task<ApiClientException> ForbiddenAsync(Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<ApiClientException>(call);
        Assert.True(e.Code == 403, $"expected 403, got {e.Code}: {e.Message}");
        return e;
    }
}
