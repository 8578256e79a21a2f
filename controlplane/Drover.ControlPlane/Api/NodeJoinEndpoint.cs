using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Api;
using Drover.ControlPlane.Auth;

namespace Drover.ControlPlane.Api;

/// <summary>
/// <c>POST /drover/v1/join</c>: trades the cluster join token for a credential of one node. The agent
/// has already pinned the CA (from <c>/cacerts</c>, checked against the hash in the join token) before
/// it sends the token, so the secret never goes to an impostor server.
/// </summary>
public sealed class NodeJoinEndpoint
{
    public const string Path = "/drover/v1/join";

    private readonly byte[] _joinToken;
    private readonly NodeCredentials _nodes;

    public NodeJoinEndpoint(Credentials credentials, NodeCredentials nodes)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(nodes);
        _joinToken = Encoding.UTF8.GetBytes(credentials.JoinToken);
        _nodes = nodes;
    }

    public async Task HandleAsync(HttpContext context)
    {
        try
        {
            var presented = TokenAuthentication.BearerToken(context.Request) ?? "";
            if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _joinToken))
                throw new ApiException(ApiErrors.Unauthorized() with { Message = "Unauthorized: the join token is not this cluster's" });
            var body = await RequestBody.ReadJsonAsync(context.Request, isPatch: false, context.RequestAborted).ConfigureAwait(false);
            NodeJoinRequest request;
            try
            {
                request = JsonSerializer.Deserialize(body, NodeJoinJsonContext.Default.NodeJoinRequest) ?? new NodeJoinRequest();
            }
            catch (JsonException e)
            {
                throw new ApiException(ApiErrors.BadRequest("join request: " + ObjectDecoder.TranslateJsonError(e).Message));
            }
            NodeNameCheck.ThrowIfInvalid(request.NodeName, "nodeName");

            var token = await _nodes.IssueAsync(request.NodeName, context.RequestAborted).ConfigureAwait(false);
            await ResponseWriter.WriteJsonAsync(context, new NodeJoinResponse { NodeName = request.NodeName, Token = token }, NodeJoinJsonContext.Default.NodeJoinResponse).ConfigureAwait(false);
        }
        catch (ApiException e)
        {
            await ResponseWriter.WriteStatusAsync(context, e.Status).ConfigureAwait(false);
        }
    }
}
