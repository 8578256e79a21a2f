using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Drover.Api;

namespace Drover.Ingress.Tls;

/// <summary>
/// A kubernetes.io/tls Secret made ready to serve: the leaf with its key and the chain that follows it in
/// tls.crt, as an <see cref="SslStreamCertificateContext"/> built once (not per handshake).
/// </summary>
public sealed class TlsCertificate
{
    public const string SecretType = "kubernetes.io/tls";

    private TlsCertificate(X509Certificate2 leaf, SslStreamCertificateContext context)
    {
        Leaf = leaf;
        Context = context;
    }

    public X509Certificate2 Leaf { get; }
    public SslStreamCertificateContext Context { get; }

    public static TlsCertificate FromCertificate(X509Certificate2 leaf, X509Certificate2Collection? chain = null)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        return new TlsCertificate(leaf, SslStreamCertificateContext.Create(leaf, chain, offline: true));
    }

    /// <summary>Parses tls.crt and tls.key; the message of a <see cref="TlsSecretException"/> says what is wrong.</summary>
    public static TlsCertificate FromSecret(Secret secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (secret.Type != SecretType)
            throw new TlsSecretException($"secret is of type \"{secret.Type}\", not {SecretType}");
        if (secret.Data?.GetValueOrDefault("tls.crt") is not { Length: > 0 } crt)
            throw new TlsSecretException("secret has no tls.crt");
        if (secret.Data?.GetValueOrDefault("tls.key") is not { Length: > 0 } key)
            throw new TlsSecretException("secret has no tls.key");
        try
        {
            var certPem = Encoding.ASCII.GetString(crt);
            var leaf = X509Certificate2.CreateFromPem(certPem, Encoding.ASCII.GetString(key));
            var all = new X509Certificate2Collection();
            all.ImportFromPem(certPem);
            var chain = new X509Certificate2Collection();
            foreach (var certificate in all)
            {
                if (certificate.Thumbprint != leaf.Thumbprint)
                    chain.Add(certificate);
            }
            return FromCertificate(leaf, chain);
        }
        catch (CryptographicException e)
        {
            throw new TlsSecretException("tls.crt/tls.key: " + e.Message, e);
        }
    }
}
