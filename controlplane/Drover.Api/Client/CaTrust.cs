using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Drover.Api.Client;

/// <summary>Server certificate validation against the cluster CA only (no system roots, no revocation lookups).</summary>
internal static class CaTrust
{
    public static bool Validate(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection trusted)
    {
        if (certificate is null || trusted.Count == 0)
            return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        // The chain to *our* CA decides; a name mismatch still fails (SANs are issued by that CA).
        return chain.Build(leaf) && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0;
    }
}
