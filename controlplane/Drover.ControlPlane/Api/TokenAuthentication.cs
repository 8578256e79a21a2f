using System.Security.Cryptography;
using System.Text;
using Drover.ControlPlane.Api;
using Drover.ControlPlane.Auth;
using Drover.Api;

namespace Drover.ControlPlane.Api;

/// <summary>
/// Bearer-token authentication for everything but the probes, /version, /cacerts and the join
/// endpoint (which checks the join token itself). Admin token comparison is constant-time; node
/// tokens are checked against their stored hash.
/// </summary>
public sealed class TokenAuthentication
{
    private readonly byte[] _adminToken;
    private readonly byte[] _ingressToken;
    private readonly byte[] _metricsToken;
    private readonly NodeCredentials _nodes;

    public TokenAuthentication(Credentials credentials, NodeCredentials nodes)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(nodes);
        _adminToken = Encoding.UTF8.GetBytes(credentials.AdminToken);
        _ingressToken = Encoding.UTF8.GetBytes(credentials.IngressToken);
        _metricsToken = Encoding.UTF8.GetBytes(credentials.MetricsToken);
        _nodes = nodes;
    }

    public static bool IsPublic(PathString path) =>
        path == "/healthz" || path == "/readyz" || path == "/livez" || path == "/version" || path == "/cacerts" || path == NodeJoinEndpoint.Path
            || path == Joining.ServerJoiner.BootstrapPath;

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
        if (CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), _metricsToken))
            return Principal.Metrics;
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
        if (!MayUse(principal, context.Request.Method, context.Request.Path))
        {
            await ResponseWriter.WriteStatusAsync(context, ApiErrors.Forbidden($"User \"{principal.Name}\" cannot get path \"{context.Request.Path}\"")).ConfigureAwait(false);
            return;
        }
        context.Items[typeof(Principal)] = principal;
        await next(context).ConfigureAwait(false);
    }

    /// <summary>
    /// Which paths an identity may reach at all (the <see cref="Authorizer"/> then decides within the API). Only the API
    /// is open to nodes (and their own credential's path) and the ingress; /metrics and the rest outside it stay admin-only, except for the metrics
    /// identity, which may read /metrics and the agents' service discovery and nothing else (no object, no secret).
    /// </summary>
    private static bool MayUse(Principal principal, string method, PathString path) => principal.Kind switch
    {
        PrincipalKind.Admin => true,
        PrincipalKind.Metrics => (HttpMethods.IsGet(method) || HttpMethods.IsHead(method))
            && (path == "/metrics" || path == PrometheusServiceDiscovery.AgentsPath),
        // A node also reads and renews its own credential there (NodeCredentialEndpoint); the admin paths stay admin-only.
        PrincipalKind.Node => IsApi(path) || path == Drover.Api.Client.NodeCredentialApi.SelfPath,
        _ => IsApi(path),
    };

    /// <summary>
    /// The paths outside the resource API an identity may GET, as <c>kubectl auth can-i --list</c> shows them
    /// ("/apis/*": discovery below it; the objects there are the <see cref="Authorizer"/>'s): the paths droverd serves
    /// outside the resource API, each asked of <see cref="IsPublic"/> and <see cref="MayUse"/>. The admin: every path.
    /// </summary>
    public static IReadOnlyList<string> NonResourceUrlsOf(Principal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (principal.Kind == PrincipalKind.Admin)
            return ["*"];
        string[] served =
        [
            "/api", "/api/*", "/apis", "/apis/*", "/openapi", "/openapi/*", "/healthz", "/livez", "/readyz", "/version", "/cacerts",
            "/metrics", PrometheusServiceDiscovery.AgentsPath, Drover.Api.Client.NodeCredentialApi.SelfPath,
        ];
        return [.. served.Where(url =>
        {
            var path = new PathString(url.EndsWith("/*", StringComparison.Ordinal) ? url[..^2] + "/x" : url);
            return IsPublic(path) || MayUse(principal, HttpMethods.Get, path);
        })];
    }

    /// <summary>The API, its discovery and its OpenAPI documents: what every client identity may reach.</summary>
    private static bool IsApi(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/apis") || path.StartsWithSegments("/openapi");

    public static Principal PrincipalOf(HttpContext context) =>
        context.Items[typeof(Principal)] as Principal ?? throw new InvalidOperationException("request was not authenticated");
}
