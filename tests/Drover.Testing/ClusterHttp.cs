using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Drover.Api.Client;

namespace Drover.Testing;

/// <summary>
/// A plain HttpClient for a cluster's API that trusts the cluster CA and nothing else (as Prometheus' tls_config
/// ca_file or curl --cacert do): for tests that must see droverd's raw answers, no Drover client in between.
/// </summary>
public static class ClusterHttp
{
    /// <summary>A client for <paramref name="cluster"/>'s server sending <paramref name="token"/> as bearer, or no Authorization when null.</summary>
    public static HttpClient Create(ClientSettings cluster, string? token)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var trusted = cluster.CaCertificates();
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = (_, certificate, _, _) => ChainsTo(certificate, trusted) },
        };
        var client = new HttpClient(handler) { BaseAddress = cluster.Server, Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>True when <paramref name="certificate"/> chains to one of <paramref name="trusted"/> (no system roots, no revocation check).</summary>
    public static bool ChainsTo(X509Certificate? certificate, X509Certificate2Collection trusted)
    {
        ArgumentNullException.ThrowIfNull(trusted);
        if (certificate is null)
            return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}
