using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Drover.Api.Client;

/// <summary>
/// What droverd and drover-agent agree on about the agent's HTTPS endpoint (the kubelet's port, where
/// container logs are served): the agent's self-signed certificate is pinned by the hash it publishes on
/// its Node, and droverd proves itself with a cluster-CA certificate of one fixed subject.
/// </summary>
public static class NodeServing
{
    /// <summary>The kubelet's port, so firewalls and habits carry over.</summary>
    public const int DefaultPort = 10250;

    /// <summary>Node annotation: SHA-256 (hex, DER) of the agent's serving certificate.</summary>
    public const string CertificateHashAnnotation = WellKnownAnnotations.ServingCertificateHash;

    /// <summary>
    /// Node annotation: the agent's /metrics listener as bound (host:port, plain HTTP). Kubernetes' Node has no
    /// field for it (the kubelet serves /metrics on its HTTPS port); droverd's Prometheus service discovery reads it.
    /// </summary>
    public const string MetricsAddressAnnotation = WellKnownAnnotations.MetricsAddress;

    /// <summary>The common name of droverd's client certificate; the agent accepts no other caller.</summary>
    public const string ClientCommonName = "drover:apiserver-node-client";

    /// <summary>id-kp-clientAuth.</summary>
    public const string ClientAuthenticationOid = "1.3.6.1.5.5.7.3.2";

    /// <summary>The agent's container-log path, shaped like the kubelet's.</summary>
    public static string ContainerLogsPath(string ns, string pod, string container) =>
        $"/containerLogs/{Uri.EscapeDataString(ns)}/{Uri.EscapeDataString(pod)}/{Uri.EscapeDataString(container)}";

    public static string CertificateHash(X509Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Convert.ToHexStringLower(SHA256.HashData(certificate.GetRawCertData()));
    }
}
