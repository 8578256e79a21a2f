using Drover.Api;
using Drover.ControlPlane.Auth;
using Drover.ControlPlane.Storage.Encryption;

namespace Drover.ControlPlane.Api;

/// <summary>
/// <c>/drover/v1/secrets-encryption</c>, admin only: GET is the status, POST <c>…/rotate</c> rotates the key while
/// droverd serves (k3s' secrets-encrypt talks to its server the same way). `droverd secrets-encrypt status|rotate` calls it.
/// </summary>
public sealed class SecretsEncryptionEndpoint
{
    public const string Path = "/drover/v1/secrets-encryption";
    public const string RotatePath = Path + "/rotate";

    private readonly SecretsEncryption _encryption;

    public SecretsEncryptionEndpoint(SecretsEncryption encryption)
    {
        ArgumentNullException.ThrowIfNull(encryption);
        _encryption = encryption;
    }

    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            var principal = TokenAuthentication.PrincipalOf(context);
            if (principal.Kind != PrincipalKind.Admin)
                throw new ApiException(ApiErrors.Forbidden($"User \"{principal.Name}\" cannot manage secrets encryption"));
            var rotate = context.Request.Path == RotatePath;
            var method = context.Request.Method;
            if (rotate ? !HttpMethods.IsPost(method) : !HttpMethods.IsGet(method))
                throw new ApiException(ApiErrors.MethodNotAllowed(method, context.Request.Path.ToString()));
            SecretsEncryptionStatus status;
            try
            {
                status = rotate
                    ? await _encryption.RotateAsync(context.RequestAborted).ConfigureAwait(false)
                    : await _encryption.StatusAsync(context.RequestAborted).ConfigureAwait(false);
            }
            catch (InvalidOperationException e)
            {
                throw new ApiException(new Status { Outcome = "Failure", Code = 409, Reason = "Conflict", Message = e.Message });
            }
            await ResponseWriter.WriteJsonAsync(context, status, SecretsEncryptionJsonContext.Default.SecretsEncryptionStatus).ConfigureAwait(false);
        }
        catch (ApiException e)
        {
            await ResponseWriter.WriteStatusAsync(context, e.Status).ConfigureAwait(false);
        }
    }
}
