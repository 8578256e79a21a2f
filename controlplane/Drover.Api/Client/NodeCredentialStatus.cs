namespace Drover.Api.Client;

/// <summary>
/// One node credential as droverd describes it: to the node itself (<c>GET /drover/v1/node-credential</c>, the one it
/// presented; <c>POST</c> renews it and carries the new <see cref="Token"/>) and to the admin (the list, and a credential
/// issued by hand).
/// </summary>
public sealed record NodeCredentialStatus
{
    public string NodeName { get; init; } = "";

    /// <summary>The token itself: only in the answer that issued it (droverd keeps a hash and cannot show it again).</summary>
    public string? Token { get; init; }

    /// <summary>When the credential was issued; null for one from before credentials expired (it is renewed at once).</summary>
    public DateTimeOffset? IssuedAt { get; init; }

    /// <summary>When it stops working; null as for <see cref="IssuedAt"/>.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>A renewal handed out but not used yet: the current credential stays fully valid until the node uses it.</summary>
    public DateTimeOffset? PendingIssuedAt { get; init; }

    /// <summary>The credential replaced by the current one keeps working until then (the overlap window).</summary>
    public DateTimeOffset? PreviousValidUntil { get; init; }
}
