using System.Security.Cryptography.X509Certificates;
using Drover.Api.Client;

namespace Drover.Agent.Logs;

/// <summary>
/// Who may read logs from this node: only droverd, proven by a client certificate that chains to the
/// cluster CA (the one the node pinned when it joined), is valid now, is meant for client authentication
/// and names droverd's node-client subject. Node credentials are CA-issued too, which is why the subject counts.
/// </summary>
internal sealed class ClientCertificatePolicy
{
    private readonly X509Certificate2Collection _trusted;

    public ClientCertificatePolicy(X509Certificate2Collection trusted)
    {
        ArgumentNullException.ThrowIfNull(trusted);
        if (trusted.Count == 0)
            throw new ArgumentException("the cluster CA is needed to check callers", nameof(trusted));
        _trusted = trusted;
    }

    /// <summary>Null when the caller may in; otherwise why not (for the log, never for the caller).</summary>
    public string? Check(X509Certificate? certificate)
    {
        if (certificate is null)
            return "no client certificate";
        using var leaf = new X509Certificate2(certificate);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid(NodeServing.ClientAuthenticationOid));
        if (!chain.Build(leaf))
        {
            var status = chain.ChainStatus.Length > 0 ? chain.ChainStatus[0].StatusInformation.Trim() : "untrusted";
            return $"client certificate \"{leaf.Subject}\" is not from the cluster CA or not valid for client authentication: {status}";
        }

        var name = leaf.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        return name == NodeServing.ClientCommonName
            ? null
            : $"client certificate \"{leaf.Subject}\" is from the cluster CA but is not droverd's ({NodeServing.ClientCommonName})";
    }
}
