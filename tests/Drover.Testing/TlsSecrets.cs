using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Drover.Api;

namespace Drover.Testing;

/// <summary>kubernetes.io/tls Secrets with fresh self-signed certificates, as a user makes them with openssl for a test host.</summary>
public static class TlsSecrets
{
    /// <summary>A Secret ready to create (no uid or resourceVersion) and its certificate, valid for <paramref name="hosts"/> (SANs; the first is the CN).</summary>
    public static (Secret Secret, X509Certificate2 Certificate) SelfSigned(string ns, string name, params string[] hosts)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(hosts);
        if (hosts.Length == 0)
            throw new ArgumentException("a certificate needs at least one host", nameof(hosts));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + hosts[0], key, HashAlgorithmName.SHA256);
        var sans = new SubjectAlternativeNameBuilder();
        foreach (var host in hosts)
            sans.AddDnsName(host);
        request.CertificateExtensions.Add(sans.Build());
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var secret = new Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Type = "kubernetes.io/tls",
            Metadata = new ObjectMeta { Name = name, Namespace = ns },
            Data = new()
            {
                ["tls.crt"] = Encoding.ASCII.GetBytes(certificate.ExportCertificatePem()),
                ["tls.key"] = Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()),
            },
        };
        return (secret, certificate);
    }
}
