using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Drover.Api.Client;

namespace Drover.ControlPlane.Certificates;

/// <summary>
/// The cluster CA, droverd's serving certificate and droverd's client certificate for node agents
/// (apiserver-node-client: how droverd proves itself when it fetches container logs), created on first
/// start under DATA/pki and reused after. The serving and client certificates live
/// <see cref="CertificateLifetime"/> and are re-issued by <see cref="RenewDue"/> at two thirds of it
/// (<see cref="RenewalSchedule"/>), while droverd runs: readers take the current one on every TLS handshake, so a
/// renewal needs no restart. The serving certificate is also re-issued when an address it must cover is missing.
/// The CA never changes by itself (joined nodes pin its hash); <see cref="CertificateRotation"/> warns well before it ends.
/// </summary>
public sealed class ClusterPki
{
    public const string CaName = "ca";
    public const string ServingName = "serving";
    public const string NodeClientName = "apiserver-node-client";

    /// <summary>The CA's lifetime when droverd creates it.</summary>
    public static readonly TimeSpan CaLifetime = TimeSpan.FromDays(3650);

    /// <summary>The default lifetime of the certificates the CA signs, as Kubernetes' --cluster-signing-duration.</summary>
    public static readonly TimeSpan DefaultCertificateLifetime = TimeSpan.FromHours(8760);

    private readonly string _directory;
    private readonly IReadOnlyCollection<string> _subjectAlternativeNames;
    private readonly TimeProvider _time;
    private readonly Lock _renewing = new();
    private Served _serving;
    private X509Certificate2 _nodeClient;

    /// <summary>A serving certificate with the TLS context built from it once (not on every handshake).</summary>
    private sealed record Served(X509Certificate2 Certificate, SslStreamCertificateContext Context);

    private ClusterPki(string directory, IReadOnlyCollection<string> sans, TimeProvider time, TimeSpan lifetime, string caPem, X509Certificate2 serving, X509Certificate2 nodeClient)
    {
        _directory = directory;
        _subjectAlternativeNames = sans;
        _time = time;
        CertificateLifetime = lifetime;
        CaPem = caPem;
        _serving = Serve(serving);
        _nodeClient = nodeClient;
        using var ca = X509Certificate2.CreateFromPem(caPem);
        CaSha256 = Convert.ToHexStringLower(SHA256.HashData(ca.RawData));
        CaNotAfter = new DateTimeOffset(ca.NotAfter.ToUniversalTime(), TimeSpan.Zero);
    }

    public string CaPem { get; }
    /// <summary>SHA-256 of the CA certificate (DER), hex: what a join token carries for pinning.</summary>
    public string CaSha256 { get; }
    public DateTimeOffset CaNotAfter { get; }

    /// <summary>How long the serving and client certificates are issued for.</summary>
    public TimeSpan CertificateLifetime { get; }

    /// <summary>The current serving certificate (it changes when renewed; take it per handshake, never keep it).</summary>
    public X509Certificate2 ServingCertificate => Volatile.Read(ref _serving).Certificate;

    /// <summary>The TLS context of <see cref="ServingCertificate"/>, for the server's per-connection options.</summary>
    public SslStreamCertificateContext ServingContext => Volatile.Read(ref _serving).Context;

    /// <summary>Subject <see cref="NodeServing.ClientCommonName"/>, client authentication only, with its key (current one, as above).</summary>
    public X509Certificate2 NodeClientCertificate => Volatile.Read(ref _nodeClient);

    /// <summary>Where the files are (DATA/pki).</summary>
    public string Directory => _directory;

    /// <summary>Each certificate's name and end, for the expiry gauge and `drover certificate check`.</summary>
    public IReadOnlyList<(string Name, DateTimeOffset NotBefore, DateTimeOffset NotAfter)> Validity()
    {
        var serving = ServingCertificate;
        var client = NodeClientCertificate;
        using var ca = X509Certificate2.CreateFromPem(CaPem);
        return
        [
            (CaName, Utc(ca.NotBefore), CaNotAfter),
            (ServingName, Utc(serving.NotBefore), Utc(serving.NotAfter)),
            (NodeClientName, Utc(client.NotBefore), Utc(client.NotAfter)),
        ];
    }

    /// <summary>When the next of the two signed certificates is due for renewal.</summary>
    public DateTimeOffset NextRenewal
    {
        get
        {
            var serving = RenewAt(ServingCertificate);
            var client = RenewAt(NodeClientCertificate);
            return serving < client ? serving : client;
        }
    }

    public static ClusterPki LoadOrCreate(string dataDirectory, IReadOnlyCollection<string> subjectAlternativeNames, TimeProvider time, TimeSpan? certificateLifetime = null)
    {
        ArgumentNullException.ThrowIfNull(subjectAlternativeNames);
        ArgumentNullException.ThrowIfNull(time);
        var lifetime = certificateLifetime ?? DefaultCertificateLifetime;
        if (lifetime <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(certificateLifetime), lifetime, "a certificate lifetime must be positive");
        var dir = Path.Combine(dataDirectory, "pki");
        var paths = new PkiPaths(dir);
        var now = time.GetUtcNow();

        if (!File.Exists(paths.CaCert) || !File.Exists(paths.CaKey))
        {
            using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest("CN=drover-ca", caKey, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
            using var caCert = request.CreateSelfSigned(now.AddMinutes(-5), now + CaLifetime);
            SecretFile.Write(paths.CaKey, caKey.ExportPkcs8PrivateKeyPem());
            File.WriteAllText(paths.CaCert, caCert.ExportCertificatePem());
            File.Delete(paths.ServingCert);
            File.Delete(paths.NodeClientCert);
        }

        var caPem = File.ReadAllText(paths.CaCert);
        var serving = TryLoad(paths.ServingCert, paths.ServingKey) is { } existingServing && ServingFits(existingServing, subjectAlternativeNames, now, lifetime)
            ? existingServing
            : IssueServing(caPem, File.ReadAllText(paths.CaKey), paths, subjectAlternativeNames, now, lifetime);
        var nodeClient = TryLoad(paths.NodeClientCert, paths.NodeClientKey) is { } existingClient && NodeClientFits(existingClient, now, lifetime)
            ? existingClient
            : IssueNodeClient(caPem, File.ReadAllText(paths.CaKey), paths, now, lifetime);
        return new ClusterPki(dir, subjectAlternativeNames, time, lifetime, caPem, serving, nodeClient);
    }

    /// <summary>
    /// Re-issues (files first, then the in-memory one) whichever of the serving and client certificates is due;
    /// returns the names of those renewed. Connections already open keep the certificate they were made with.
    /// </summary>
    public IReadOnlyList<string> RenewDue()
    {
        lock (_renewing)
        {
            var now = _time.GetUtcNow();
            var renewed = new List<string>();
            var paths = new PkiPaths(_directory);
            if (!ServingFits(ServingCertificate, _subjectAlternativeNames, now, CertificateLifetime))
            {
                var issued = IssueServing(CaPem, File.ReadAllText(paths.CaKey), paths, _subjectAlternativeNames, now, CertificateLifetime);
                // The one it replaces is not disposed: a handshake may be using it right now.
                Volatile.Write(ref _serving, Serve(issued));
                renewed.Add(ServingName);
            }
            if (!NodeClientFits(NodeClientCertificate, now, CertificateLifetime))
            {
                Volatile.Write(ref _nodeClient, IssueNodeClient(CaPem, File.ReadAllText(paths.CaKey), paths, now, CertificateLifetime));
                renewed.Add(NodeClientName);
            }
            return renewed;
        }
    }

    private DateTimeOffset RenewAt(X509Certificate2 certificate) =>
        RenewalSchedule.RenewAt(Utc(certificate.NotBefore), Utc(certificate.NotAfter), CertificateLifetime);

    private static Served Serve(X509Certificate2 certificate) =>
        new(certificate, SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true));

    private static DateTimeOffset Utc(DateTime time) => new(time.ToUniversalTime(), TimeSpan.Zero);

    /// <summary>The pair, or null when a file is missing or the two do not belong together (a crash between the two writes).</summary>
    private static X509Certificate2? TryLoad(string certPath, string keyPath)
    {
        if (!File.Exists(certPath) || !File.Exists(keyPath))
            return null;
        try
        {
            return X509Certificate2.CreateFromPemFile(certPath, keyPath);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or IOException)
        {
            return null;
        }
    }

    private static bool NodeClientFits(X509Certificate2 cert, DateTimeOffset now, TimeSpan lifetime) =>
        now < RenewalSchedule.RenewAt(Utc(cert.NotBefore), Utc(cert.NotAfter), lifetime)
        && cert.GetNameInfo(X509NameType.SimpleName, forIssuer: false) == NodeServing.ClientCommonName;

    private static X509Certificate2 IssueNodeClient(string caPem, string caKeyPem, PkiPaths paths, DateTimeOffset now, TimeSpan lifetime)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={NodeServing.ClientCommonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(NodeServing.ClientAuthenticationOid)], false));
        return IssueWithCa(request, key, caPem, caKeyPem, paths.NodeClientCert, paths.NodeClientKey, now, lifetime);
    }

    private static X509Certificate2 IssueWithCa(CertificateRequest request, ECDsa key, string caPem, string caKeyPem, string certPath, string keyPath, DateTimeOffset now, TimeSpan lifetime)
    {
        using var caKey = ECDsa.Create();
        caKey.ImportFromPem(caKeyPem);
        using var caPublic = X509Certificate2.CreateFromPem(caPem);
        using var ca = caPublic.CopyWithPrivateKey(caKey);
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        var notAfter = now + lifetime;
        // A CA never signs past its own end: the last certificates before it expires are shorter.
        if (notAfter > ca.NotAfter.ToUniversalTime())
            notAfter = Utc(ca.NotAfter);
        using var cert = request.Create(ca, now - RenewalSchedule.Backdate(lifetime), notAfter, serial);
        // Key first: a crash between the two writes leaves a pair that does not load, which is issued anew at the next start.
        SecretFile.Write(keyPath, key.ExportPkcs8PrivateKeyPem());
        SecretFile.Write(certPath, cert.ExportCertificatePem());
        return X509Certificate2.CreateFromPemFile(certPath, keyPath);
    }

    private static bool ServingFits(X509Certificate2 cert, IReadOnlyCollection<string> sans, DateTimeOffset now, TimeSpan lifetime)
    {
        if (now >= RenewalSchedule.RenewAt(Utc(cert.NotBefore), Utc(cert.NotAfter), lifetime))
            return false;
        var present = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>()
            .SelectMany(e => e.EnumerateDnsNames().Concat(e.EnumerateIPAddresses().Select(ip => ip.ToString())))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        return sans.All(present.Contains);
    }

    private static X509Certificate2 IssueServing(string caPem, string caKeyPem, PkiPaths paths, IReadOnlyCollection<string> sans, DateTimeOffset now, TimeSpan lifetime)
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
        return IssueWithCa(request, key, caPem, caKeyPem, paths.ServingCert, paths.ServingKey, now, lifetime);
    }

    private sealed record PkiPaths(string Directory)
    {
        public string CaCert => Path.Combine(Directory, "ca.crt");
        public string CaKey => Path.Combine(Directory, "ca.key");
        public string ServingCert => Path.Combine(Directory, "server.crt");
        public string ServingKey => Path.Combine(Directory, "server.key");
        public string NodeClientCert => Path.Combine(Directory, "apiserver-node-client.crt");
        public string NodeClientKey => Path.Combine(Directory, "apiserver-node-client.key");
    }
}
