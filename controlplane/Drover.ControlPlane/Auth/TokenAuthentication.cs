using System.Security.Cryptography;
using System.Text;
using Drover.ControlPlane.Api;

namespace Drover.ControlPlane.Auth;

/// <summary>
/// Bearer-token authentication for everything but the probes, /version, /cacerts and the join
/// endpoint (which checks the join token itself). Admin token comparison is constant-time; node
/// tokens are checked against their stored hash.
/// </summary>
public sealed class TokenAuthentication
{
    private readonly byte[] _adminToken;
    private readonly byte[] _ingressToken;
    private readonly NodeCredentials _nodes;

    public TokenAuthentication(Credentials credentials, NodeCredentials nodes)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(nodes);
        _adminToken = Encoding.UTF8.GetBytes(credentials.AdminToken);
        _ingressToken = Encoding.UTF8.GetBytes(credentials.IngressToken);
        _nodes = nodes;
    }

    public static bool IsPublic(PathString path) =>
        path == "/healthz" || path == "/readyz" || path == "/livez" || path == "/version" || path == "/cacerts" || path == NodeJoinEndpoint.Path;

    public static string? BearerToken(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        return header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : null;
    }

    public async Task<Principal?> AuthenticateAsync(HttpRequest request)
    {
        var token = BearerToken(request);
        if (string.IsNullOrEmpty(token))
            return null;
        if (CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), _adminToken))
            return Principal.Admin;
        if (CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), _ingressToken))
            return Principal.Ingress;
        var node = await _nodes.VerifyAsync(token, request.HttpContext.RequestAborted).ConfigureAwait(false);
        return node is null ? null : Principal.ForNode(node);
    }

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (IsPublic(context.Request.Path))
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        var principal = await AuthenticateAsync(context.Request).ConfigureAwait(false);
        if (principal is null)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await ResponseWriter.WriteStatusAsync(context, ApiErrors.Unauthorized()).ConfigureAwait(false);
            return;
        }
        // Only the API is open to nodes and the ingress; /metrics and anything else outside it stays admin-only.
        if (principal.Kind != PrincipalKind.Admin && !context.Request.Path.StartsWithSegments("/api") && !context.Request.Path.StartsWithSegments("/apis"))
        {
            await ResponseWriter.WriteStatusAsync(context, ApiErrors.Forbidden($"User \"{principal.Name}\" cannot get path \"{context.Request.Path}\"")).ConfigureAwait(false);
            return;
        }
        context.Items[typeof(Principal)] = principal;
        await next(context).ConfigureAwait(false);
    }

    public static Principal PrincipalOf(HttpContext context) =>
        context.Items[typeof(Principal)] as Principal ?? throw new InvalidOperationException("request was not authenticated");
}
