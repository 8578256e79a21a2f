using System.Net.Security;
using Drover.Ingress.Routing;

namespace Drover.Ingress.Tls;

/// <summary>
/// Which certificate answers a TLS handshake, by SNI: exact host, then one-label wildcard host, then the
/// default (an ingress TLS entry without hosts, else the self-signed fallback), as routing matches hosts.
/// </summary>
public sealed class SniCertificates
{
    private readonly Dictionary<string, TlsCertificate>.AlternateLookup<ReadOnlySpan<char>> _exact;
    private readonly Dictionary<string, TlsCertificate>.AlternateLookup<ReadOnlySpan<char>> _wildcard;

    public SniCertificates(IReadOnlyDictionary<string, TlsCertificate> byHost, TlsCertificate fallback)
    {
        ArgumentNullException.ThrowIfNull(byHost);
        ArgumentNullException.ThrowIfNull(fallback);
        var exact = new Dictionary<string, TlsCertificate>(StringComparer.OrdinalIgnoreCase);
        var wildcard = new Dictionary<string, TlsCertificate>(StringComparer.OrdinalIgnoreCase);
        foreach (var (host, certificate) in byHost)
        {
            if (HostName.WildcardSuffix(host) is { } suffix)
                wildcard[suffix] = certificate;
            else
                exact[host] = certificate;
        }
        _exact = exact.GetAlternateLookup<ReadOnlySpan<char>>();
        _wildcard = wildcard.GetAlternateLookup<ReadOnlySpan<char>>();
        Fallback = fallback;
        Hosts = byHost.Count;
    }

    public TlsCertificate Fallback { get; }
    public int Hosts { get; }

    public TlsCertificate Select(string? serverName)
    {
        if (string.IsNullOrEmpty(serverName))
            return Fallback;
        var name = serverName.AsSpan().TrimEnd('.');
        if (_exact.TryGetValue(name, out var exact))
            return exact;
        var dot = name.IndexOf('.');
        if (dot > 0 && dot < name.Length - 1 && _wildcard.TryGetValue(name[(dot + 1)..], out var wildcard))
            return wildcard;
        return Fallback;
    }

    public SslStreamCertificateContext SelectContext(string? serverName) => Select(serverName).Context;
}
