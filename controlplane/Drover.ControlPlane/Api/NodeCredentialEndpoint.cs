using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Auth;

namespace Drover.ControlPlane.Api;

/// <summary>
/// <c>/drover/v1/node-credential</c> for a node (GET: the credential it presented; POST: a renewal) and
/// <c>/drover/v1/node-credentials[/NAME]</c> for the admin (GET: every node's; DELETE: revoke; POST: re-issue).
/// Outside the Kubernetes API, as the join is: none of this is an object a client could list or watch.
/// </summary>
public sealed class NodeCredentialEndpoint
{
    private readonly NodeCredentials _credentials;

    public NodeCredentialEndpoint(NodeCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        _credentials = credentials;
    }

    public async Task HandleSelfAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            var principal = TokenAuthentication.PrincipalOf(context);
            if (principal.Kind != PrincipalKind.Node)
                throw new ApiException(ApiErrors.Forbidden($"User \"{principal.Name}\" has no node credential: {NodeCredentialApi.SelfPath} is for nodes (the admin uses {NodeCredentialApi.AdminPath})"));
            var token = TokenAuthentication.BearerToken(context.Request)!;
            var method = context.Request.Method;
            NodeCredentialStatus? status;
            if (HttpMethods.IsGet(method))
                status = await _credentials.DescribeAsync(token, context.RequestAborted).ConfigureAwait(false);
            else if (HttpMethods.IsPost(method))
                status = await _credentials.RenewAsync(token, context.RequestAborted).ConfigureAwait(false);
            else
                throw new ApiException(ApiErrors.MethodNotAllowed(method, NodeCredentialApi.SelfPath));
            // Revoked between authentication and here.
            if (status is null)
                throw new ApiException(ApiErrors.Unauthorized());
            await ResponseWriter.WriteJsonAsync(context, status, ServerEndpointsJsonContext.Default.NodeCredentialStatus).ConfigureAwait(false);
        }
        catch (ApiException e)
        {
            await ResponseWriter.WriteStatusAsync(context, e.Status).ConfigureAwait(false);
        }
    }

    public async Task HandleAdminAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            var principal = TokenAuthentication.PrincipalOf(context);
            if (principal.Kind != PrincipalKind.Admin)
                throw new ApiException(ApiErrors.Forbidden($"User \"{principal.Name}\" cannot manage node credentials"));
            var method = context.Request.Method;
            var name = context.Request.RouteValues["name"] as string;
            if (name is null)
            {
                if (!HttpMethods.IsGet(method))
                    throw new ApiException(ApiErrors.MethodNotAllowed(method, NodeCredentialApi.AdminPath));
                var items = await _credentials.ListAsync(context.RequestAborted).ConfigureAwait(false);
                await ResponseWriter.WriteJsonAsync(context, new NodeCredentialList { Items = items }, ServerEndpointsJsonContext.Default.NodeCredentialList).ConfigureAwait(false);
                return;
            }
            NodeNameCheck.ThrowIfInvalid(name, "node name");
            NodeCredentialStatus status;
            if (HttpMethods.IsDelete(method))
            {
                if (!await _credentials.RevokeAsync(name, context.RequestAborted).ConfigureAwait(false))
                    throw new ApiException(ApiErrors.NotFound($"node \"{name}\" has no credential"));
                status = new NodeCredentialStatus { NodeName = name };
            }
            else if (HttpMethods.IsPost(method))
            {
                status = await _credentials.IssueWithStatusAsync(name, context.RequestAborted).ConfigureAwait(false);
            }
            else
            {
                throw new ApiException(ApiErrors.MethodNotAllowed(method, $"{NodeCredentialApi.AdminPath}/{name}"));
            }
            await ResponseWriter.WriteJsonAsync(context, status, ServerEndpointsJsonContext.Default.NodeCredentialStatus).ConfigureAwait(false);
        }
        catch (ApiException e)
        {
            await ResponseWriter.WriteStatusAsync(context, e.Status).ConfigureAwait(false);
        }
    }
}
