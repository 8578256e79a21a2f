using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Drover.Api.Client;

namespace Drover.ControlPlane.Certificates;

/// <summary>
/// The cluster CA, droverd's serving certificate and droverd's client certificate for node agents
/// (apiserver-node-client: how droverd proves itself when it fetches container logs), created on first
/// start under DATA/pki and reused after. The serving certificate is re-issued when an address it must
/// cover is missing or it nears expiry, the client certificate when it nears expiry; the CA never
/// changes (joined nodes pin its hash).
/// </summary>
public sealed class ClusterPki
{
    private ClusterPki(string caPem, X509Certificate2 serving, X509Certificate2 nodeClient)
    {
        CaPem = caPem;
        ServingCertificate = serving;
        NodeClientCertificate = nodeClient;
        using var ca = X509Certificate2.CreateFromPem(caPem);
        CaSha256 = Convert.ToHexStringLower(SHA256.HashData(ca.RawData));
    }

    public string CaPem { get; }
    /// <summary>SHA-256 of the CA certificate (DER), hex: what a join token carries for pinning.</summary>
    public string CaSha256 { get; }
    public X509Certificate2 ServingCertificate { get; }

    /// <summary>Subject <see cref="NodeServing.ClientCommonName"/>, client authentication only, with its key.</summary>
    public X509Certificate2 NodeClientCertificate { get; }

    public static ClusterPki LoadOrCreate(string dataDirectory, IReadOnlyCollection<string> subjectAlternativeNames, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(subjectAlternativeNames);
        ArgumentNullException.ThrowIfNull(time);
        var dir = Path.Combine(dataDirectory, "pki");
        var caCertPath = Path.Combine(dir, "ca.crt");
        var caKeyPath = Path.Combine(dir, "ca.key");
        var servingCertPath = Path.Combine(dir, "server.crt");
        var servingKeyPath = Path.Combine(dir, "server.key");
        var nodeClientCertPath = Path.Combine(dir, "apiserver-node-client.crt");
        var nodeClientKeyPath = Path.Combine(dir, "apiserver-node-client.key");
        var now = time.GetUtcNow();

        if (!File.Exists(caCertPath) || !File.Exists(caKeyPath))
        {
            using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=drover-ca", caKey, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
            using var caCert = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));
            SecretFile.Write(caKeyPath, caKey.ExportPkcs8PrivateKeyPem());
            File.WriteAllText(caCertPath, caCert.ExportCertificatePem());
            File.Delete(servingCertPath);
            File.Delete(nodeClientCertPath);
        }

        var caPem = File.ReadAllText(caCertPath);
        if (!ServingCertificateFits(servingCertPath, servingKeyPath, subjectAlternativeNames, now))
            IssueServingCertificate(caPem, File.ReadAllText(caKeyPath), servingCertPath, servingKeyPath, subjectAlternativeNames, now);

        if (!NodeClientCertificateFits(nodeClientCertPath, nodeClientKeyPath, now))
            IssueNodeClientCertificate(caPem, File.ReadAllText(caKeyPath), nodeClientCertPath, nodeClientKeyPath, now);

        var serving = X509Certificate2.CreateFromPemFile(servingCertPath, servingKeyPath);
        var nodeClient = X509Certificate2.CreateFromPemFile(nodeClientCertPath, nodeClientKeyPath);
        return new ClusterPki(caPem, serving, nodeClient);
    }

    private static bool NodeClientCertificateFits(string certPath, string keyPath, DateTimeOffset now)
    {
        if (!File.Exists(certPath) || !File.Exists(keyPath))
            return false;
        using var cert = X509Certificate2.CreateFromPem(File.ReadAllText(certPath));
        return cert.NotAfter.ToUniversalTime() >= now.UtcDateTime.AddDays(30)
            && cert.GetNameInfo(X509NameType.SimpleName, forIssuer: false) == NodeServing.ClientCommonName;
    }

    private static void IssueNodeClientCertificate(string caPem, string caKeyPem, string certPath, string keyPath, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={NodeServing.ClientCommonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(NodeServing.ClientAuthenticationOid)], false));
        IssueWithCa(request, key, caPem, caKeyPem, certPath, keyPath, now);
    }

    private static void IssueWithCa(CertificateRequest request, ECDsa key, string caPem, string caKeyPem, string certPath, string keyPath, DateTimeOffset now)
    {
        using var caKey = ECDsa.Create();
        caKey.ImportFromPem(caKeyPem);
        using var caPublic = X509Certificate2.CreateFromPem(caPem);
        using var ca = caPublic.CopyWithPrivateKey(caKey);
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var cert = request.Create(ca, now.AddMinutes(-5), now.AddYears(1), serial);
        SecretFile.Write(keyPath, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(certPath, cert.ExportCertificatePem());
    }

    private static bool ServingCertificateFits(string certPath, string keyPath, IReadOnlyCollection<string> sans, DateTimeOffset now)
    {
        if (!File.Exists(certPath) || !File.Exists(keyPath))
            return false;
        using var cert = X509Certificate2.CreateFromPem(File.ReadAllText(certPath));
        if (cert.NotAfter.ToUniversalTime() < now.UtcDateTime.AddDays(30))
            return false;
        var present = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>()
            .SelectMany(e => e.EnumerateDnsNames().Concat(e.EnumerateIPAddresses().Select(ip => ip.ToString())))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        return sans.All(present.Contains);
    }

    private static void IssueServingCertificate(string caPem, string caKeyPem, string certPath, string keyPath, IReadOnlyCollection<string> sans, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=droverd", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in sans)
        {
            if (IPAddress.TryParse(name, out var ip)) san.AddIpAddress(ip);
            else san.AddDnsName(name);
        }
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        IssueWithCa(request, key, caPem, caKeyPem, certPath, keyPath, now);
    }
}
