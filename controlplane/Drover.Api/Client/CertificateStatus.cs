namespace Drover.Api.Client;

/// <summary>One of droverd's certificates as <c>GET /drover/v1/certificates</c> (admin) shows it: `drover certificate check`.</summary>
public sealed record CertificateStatus
{
    /// <summary>ca, serving or apiserver-node-client.</summary>
    public string Name { get; init; } = "";
    public string File { get; init; } = "";
    public DateTimeOffset NotBefore { get; init; }
    public DateTimeOffset NotAfter { get; init; }

    /// <summary>When droverd replaces it by itself; null for the CA, which only an admin replaces.</summary>
    public DateTimeOffset? RenewAt { get; init; }
}

/// <summary>The answer of <c>GET /drover/v1/certificates</c>.</summary>
public sealed record CertificateStatusList
{
    public const string Path = "/drover/v1/certificates";

    public IReadOnlyList<CertificateStatus> Items { get; init; } = [];
}
