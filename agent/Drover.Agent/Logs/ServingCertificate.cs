using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Drover.Api.Client;

namespace Drover.Agent.Logs;

/// <summary>
/// The agent's own TLS certificate: self-signed ECDSA P-256 under DATA/credentials (0600). Trust comes from the pin
/// droverd takes from the Node (the certificate's hash), not from a CA. It lives <see cref="Configuration.AgentOptions.ServingCertificateLifetime"/>
/// and is reused across restarts until two thirds of that (<see cref="RenewalSchedule"/>), when
/// <see cref="ServingCertificateRotation"/> replaces it while the agent runs.
/// </summary>
internal static class ServingCertificate
{
    public static X509Certificate2 LoadOrCreate(string certificatePath, string keyPath, string nodeName, IPAddress nodeIp, TimeSpan lifetime, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrEmpty(certificatePath);
        ArgumentException.ThrowIfNullOrEmpty(keyPath);
        ArgumentNullException.ThrowIfNull(nodeIp);
        ArgumentNullException.ThrowIfNull(time);
        if (TryLoad(certificatePath, keyPath) is { } existing)
        {
            if (time.GetUtcNow() < RenewAt(existing, lifetime))
                return existing;
            existing.Dispose();
        }
        return Create(certificatePath, keyPath, nodeName, nodeIp, lifetime, time);
    }

    /// <summary>A new certificate, written over the files (key first: a crash between the two leaves a pair that does not load, made anew at the next start).</summary>
    public static X509Certificate2 Create(string certificatePath, string keyPath, string nodeName, IPAddress nodeIp, TimeSpan lifetime, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(nodeIp);
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={nodeName}@drover-agent", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(nodeName);
        san.AddIpAddress(nodeIp);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var created = request.CreateSelfSigned(now - RenewalSchedule.Backdate(lifetime), now + lifetime);
        SecretFile.Write(keyPath, key.ExportPkcs8PrivateKeyPem());
        SecretFile.Write(certificatePath, created.ExportCertificatePem());
        return X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
    }

    /// <summary>When <paramref name="certificate"/> is due for replacement under <paramref name="lifetime"/>.</summary>
    public static DateTimeOffset RenewAt(X509Certificate2 certificate, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return RenewalSchedule.RenewAt(
            new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero),
            new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero),
            lifetime);
    }

    private static X509Certificate2? TryLoad(string certificatePath, string keyPath)
    {
        if (!File.Exists(certificatePath) || !File.Exists(keyPath))
            return null;
        try
        {
            return X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        catch (Exception e) when (e is CryptographicException or IOException or ArgumentException)
        {
            // A damaged pair is replaced; the new hash is published on the Node like the first one was.
            return null;
        }
    }
}
