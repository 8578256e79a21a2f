using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Drover.Ingress.Tls;

/// <summary>
/// The certificate for handshakes no Secret covers (no SNI, unknown host), self-signed at start as
/// ingress-nginx's "Fake Certificate" is: clients see a clear mismatch instead of a refused connection.
/// </summary>
public static class FallbackCertificate
{
    public static TlsCertificate Create(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Drover Ingress Fallback Certificate", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = time.GetUtcNow();
        using var created = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));
        // Re-imported so the private key is usable by SslStream on every platform.
        var leaf = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
        return TlsCertificate.FromCertificate(leaf);
    }
}
