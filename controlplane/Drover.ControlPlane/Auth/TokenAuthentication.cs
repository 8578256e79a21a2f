using System.Security.Cryptography;
using System.Text;
using Drover.ControlPlane.Api;

namespace Drover.ControlPlane.Auth;

/// <summary>
/// Bearer-token authentication for everything but the health and version probes. Token comparison is
/// constant-time so response timing reveals nothing about a token.
/// </summary>
public sealed class TokenAuthentication
{
    private readonly byte[] _adminToken;

    public TokenAuthentication(Credentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        _adminToken = Encoding.UTF8.GetBytes(credentials.AdminToken);
    }

    public static bool IsPublic(PathString path) =>
        path == "/healthz" || path == "/readyz" || path == "/livez" || path == "/version";

    public Principal? Authenticate(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            return null;
        var presented = Encoding.UTF8.GetBytes(header.AsSpan(scheme.Length).Trim().ToString());
        return CryptographicOperations.FixedTimeEquals(presented, _adminToken) ? new Principal("admin", PrincipalKind.Admin) : null;
    }

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (IsPublic(context.Request.Path))
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        var principal = Authenticate(context.Request);
        if (principal is null)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await ResponseWriter.WriteStatusAsync(context, ApiErrors.Unauthorized()).ConfigureAwait(false);
            return;
        }
        context.Items[typeof(Principal)] = principal;
        await next(context).ConfigureAwait(false);
    }
}
