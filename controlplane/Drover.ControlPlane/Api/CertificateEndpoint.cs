using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Auth;
using Drover.ControlPlane.Certificates;

namespace Drover.ControlPlane.Api;

/// <summary><c>GET /drover/v1/certificates</c>, admin only: droverd's certificates and when each ends or is renewed (`drover certificate check`).</summary>
public sealed class CertificateEndpoint
{
    private readonly ClusterPki _pki;

    public CertificateEndpoint(ClusterPki pki)
    {
        ArgumentNullException.ThrowIfNull(pki);
        _pki = pki;
    }

    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            var principal = TokenAuthentication.PrincipalOf(context);
            if (principal.Kind != PrincipalKind.Admin)
                throw new ApiException(ApiErrors.Forbidden($"User \"{principal.Name}\" cannot read droverd's certificates"));
            if (!HttpMethods.IsGet(context.Request.Method))
                throw new ApiException(ApiErrors.MethodNotAllowed(context.Request.Method, CertificateStatusList.Path));
            var items = _pki.Validity().Select(v => new CertificateStatus
            {
                Name = v.Name,
                File = Path.Combine(_pki.Directory, v.Name switch { ClusterPki.CaName => "ca.crt", ClusterPki.ServingName => "server.crt", _ => "apiserver-node-client.crt" }),
                NotBefore = v.NotBefore,
                NotAfter = v.NotAfter,
                RenewAt = v.Name == ClusterPki.CaName ? null : RenewalSchedule.RenewAt(v.NotBefore, v.NotAfter, _pki.CertificateLifetime),
            }).ToList();
            await ResponseWriter.WriteJsonAsync(context, new CertificateStatusList { Items = items }, ServerEndpointsJsonContext.Default.CertificateStatusList).ConfigureAwait(false);
        }
        catch (ApiException e)
        {
            await ResponseWriter.WriteStatusAsync(context, e.Status).ConfigureAwait(false);
        }
    }
}
