using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Drover.Api;
using Drover.ControlPlane.Joining;

namespace Drover.ControlPlane.Api;

/// <summary>
/// <c>GET /drover/v1/server-bootstrap</c>: the files every replica shares (<see cref="BootstrapBundle"/>), for a new
/// replica that presents the server token. The joining replica pinned the CA before sending it.
/// </summary>
public sealed class ServerBootstrapEndpoint(ServerOptions options, ServerBootstrapEndpoint.Token token)
{
    /// <summary>The server token, as its own type so the container cannot mix it up with another string.</summary>
    public sealed record Token(string Value);

    private readonly byte[] _token = Encoding.UTF8.GetBytes((token ?? throw new ArgumentNullException(nameof(token))).Value);

    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var presented = TokenAuthentication.BearerToken(context.Request) ?? "";
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _token))
        {
            await ResponseWriter.WriteStatusAsync(context, ApiErrors.Unauthorized() with { Message = "Unauthorized: not this cluster's server token (DATA/credentials/server-token)" }).ConfigureAwait(false);
            return;
        }
        var bundle = BootstrapBundle.Read(options.DataDirectory);
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(bundle, BootstrapJsonContext.Default.BootstrapBundle), context.RequestAborted).ConfigureAwait(false);
    }
}
