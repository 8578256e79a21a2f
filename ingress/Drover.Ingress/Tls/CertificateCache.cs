using Drover.Api;

namespace Drover.Ingress.Tls;

/// <summary>
/// Parsed certificates by Secret uid and resourceVersion: a snapshot rebuild (every endpoint change)
/// must not re-parse keys, only a changed Secret is parsed again. Entries no snapshot uses are dropped.
/// </summary>
public sealed class CertificateCache
{
    private Dictionary<(string Uid, string Version), TlsCertificate> _entries = [];
    private Dictionary<(string Uid, string Version), TlsCertificate> _used = [];

    /// <exception cref="TlsSecretException">The secret cannot be served.</exception>
    public TlsCertificate Get(Secret secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var key = (secret.Metadata.Uid ?? secret.Metadata.Name ?? "", secret.Metadata.ResourceVersion ?? "");
        if (!_entries.TryGetValue(key, out var certificate))
            certificate = TlsCertificate.FromSecret(secret);
        _used[key] = certificate;
        return certificate;
    }

    /// <summary>Ends one build: what it did not ask for is forgotten. Builds are serialised by the caller.</summary>
    public void Sweep()
    {
        _entries = _used;
        _used = [];
    }
}
