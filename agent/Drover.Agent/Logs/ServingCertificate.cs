using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Drover.Api.Client;

namespace Drover.Agent.Logs;

/// <summary>
/// The agent's own TLS certificate: self-signed ECDSA P-256, created on first start under
/// DATA/credentials (0600) and reused afterwards, so the hash droverd pins stays the same across restarts.
/// Trust comes from that pin, not from a CA, so the certificate need not be renewed; it is made anew only
/// when it is missing, unreadable or within 30 days of its end.
/// </summary>
internal static class ServingCertificate
{
    public static X509Certificate2 LoadOrCreate(string certificatePath, string keyPath, string nodeName, IPAddress nodeIp, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrEmpty(certificatePath);
        ArgumentException.ThrowIfNullOrEmpty(keyPath);
        ArgumentNullException.ThrowIfNull(nodeIp);
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow();
        if (TryLoad(certificatePath, keyPath, now) is { } existing)
            return existing;

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={nodeName}@drover-agent", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(nodeName);
        san.AddIpAddress(nodeIp);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var created = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));
        SecretFile.Write(keyPath, key.ExportPkcs8PrivateKeyPem());
        SecretFile.Write(certificatePath, created.ExportCertificatePem());
        return X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
    }

    private static X509Certificate2? TryLoad(string certificatePath, string keyPath, DateTimeOffset now)
    {
        if (!File.Exists(certificatePath) || !File.Exists(keyPath))
            return null;
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        catch (Exception e) when (e is CryptographicException or IOException or ArgumentException)
        {
            // A damaged pair is replaced; the new hash is published on the Node like the first one was.
            return null;
        }

        if (certificate.NotAfter.ToUniversalTime() >= now.UtcDateTime.AddDays(30))
            return certificate;
        certificate.Dispose();
        return null;
    }
}
