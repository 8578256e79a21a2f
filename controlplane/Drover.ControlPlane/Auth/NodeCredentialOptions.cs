namespace Drover.ControlPlane.Auth;

/// <summary>How long a node credential lives and how long the one it replaced keeps working (droverd's flags).</summary>
public sealed record NodeCredentialOptions
{
    /// <summary>
    /// A credential stops working this long after it was issued; the agent renews it at two thirds. A year, as
    /// Kubernetes signs kubelet client certificates (--cluster-signing-duration): an edge node may be away for months
    /// and still come back with the credential it has (and re-joins with the join token when that is gone too).
    /// </summary>
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromHours(8760);

    /// <summary>Once a renewed credential is used, the one it replaced works this much longer (requests in flight, open watches).</summary>
    public TimeSpan Overlap { get; init; } = TimeSpan.FromHours(1);
}
