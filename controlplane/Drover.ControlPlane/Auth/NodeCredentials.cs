using System.Collections.Concurrent;
using System.Security.Cryptography;
using Drover.Api;
using Drover.Api.Client;
using Drover.ControlPlane.Registry;

namespace Drover.ControlPlane.Auth;

/// <summary>
/// Per-node credentials: <c>drover-node:NAME:SECRET</c>. Only SHA-256 hashes are stored, with their times, in a Secret
/// in kube-system (so they replicate with the store and survive restarts); a leaked store does not leak usable
/// credentials. Each expires after <see cref="NodeCredentialOptions.Lifetime"/>; the agent renews it before that, the
/// renewal becoming current on its first use and the replaced one working for the overlap window
/// (<see cref="NodeCredentialRecord"/>). Verified tokens are cached briefly to keep heartbeats cheap; the cache never
/// outlives a credential, and revoking or re-issuing empties it for that node at once.
/// </summary>
public sealed class NodeCredentials
{
    public const string Prefix = "drover-node:";
    public const string SecretType = "drover.io/node-credential";
    private const string NodeLabel = WellKnownLabels.CredentialNode;
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private const int MaxAttempts = 5;

    private readonly ObjectService _objects;
    private readonly TimeProvider _time;
    private readonly NodeCredentialOptions _options;
    private readonly ConcurrentDictionary<string, (string Node, DateTimeOffset Until)> _verified = new(StringComparer.Ordinal);

    public NodeCredentials(ObjectService objects, TimeProvider time, NodeCredentialOptions options)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        _objects = objects;
        _time = time;
        _options = options;
    }

    public static string SecretName(string nodeName) => nodeName + ".node-credential";

    /// <summary>Issues a fresh credential for <paramref name="nodeName"/>, replacing every earlier one (the join, and the admin's re-issue).</summary>
    public async Task<string> IssueAsync(string nodeName, CancellationToken ct) =>
        (await IssueWithStatusAsync(nodeName, ct).ConfigureAwait(false)).Token!;

    /// <summary>As <see cref="IssueAsync"/>, with the new credential's times.</summary>
    public async Task<NodeCredentialStatus> IssueWithStatusAsync(string nodeName, CancellationToken ct)
    {
        var (token, secret) = NewToken(nodeName);
        var record = new NodeCredentialRecord { Current = NodeCredentialRecord.NewSlot(NodeCredentialRecord.Hash(secret), _time.GetUtcNow(), _options.Lifetime) };
        await WriteAsync(nodeName, _ => record, ct).ConfigureAwait(false);
        Forget(nodeName);
        return record.Describe(nodeName) with { Token = token };
    }

    /// <summary>The node a presented token belongs to, or null. The first use of a renewed credential makes it the current one.</summary>
    public async Task<string?> VerifyAsync(string token, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(token);
        var now = _time.GetUtcNow();
        if (_verified.TryGetValue(token, out var cached) && cached.Until > now)
            return cached.Node;
        var found = await FindAsync(token, ct).ConfigureAwait(false);
        if (found is not { } hit)
            return null;
        var until = now + CacheFor;
        if (hit.Record.ValidUntil(hit.Match) is { } end && end < until)
            until = end;
        _verified[token] = (hit.Node, until);
        return hit.Node;
    }

    /// <summary>The presented credential as its node sees it, or null when it does not work.</summary>
    public async Task<NodeCredentialStatus?> DescribeAsync(string token, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(token);
        return await FindAsync(token, ct).ConfigureAwait(false) is { } hit ? hit.Record.Describe(hit.Node, hit.Match) : null;
    }

    /// <summary>
    /// A renewal for the node of the presented credential: stored as pending (replacing an unused earlier one), so
    /// the credential presented keeps working until the new one is used. Null when the presented one does not work.
    /// </summary>
    public async Task<NodeCredentialStatus?> RenewAsync(string token, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (await FindAsync(token, ct).ConfigureAwait(false) is not { } hit)
            return null;
        var (fresh, secret) = NewToken(hit.Node);
        var slot = NodeCredentialRecord.NewSlot(NodeCredentialRecord.Hash(secret), _time.GetUtcNow(), _options.Lifetime);
        var stored = await WriteAsync(hit.Node, existing => existing is null ? null : existing with { Pending = slot }, ct).ConfigureAwait(false);
        if (stored is null)
            return null;
        return new NodeCredentialStatus { NodeName = hit.Node, Token = fresh, IssuedAt = slot.IssuedAt, ExpiresAt = slot.ExpiresAt };
    }

    /// <summary>Removes every credential of <paramref name="nodeName"/>; false when it had none.</summary>
    public async Task<bool> RevokeAsync(string nodeName, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        // Gone between the read and the delete: read again (and report it as not found).
        return await ConflictRetry.RetryOnErrorAsync(async token =>
        {
            var existing = await _objects.GetAsync(ResourceTypes.Secrets, "kube-system", SecretName(nodeName), token).ConfigureAwait(false);
            if (existing is not Secret { Type: SecretType })
            {
                Forget(nodeName);
                return false;
            }
            await _objects.DeleteAsync(ResourceTypes.Secrets, "kube-system", SecretName(nodeName), gracePeriodSeconds: null, token).ConfigureAwait(false);
            Forget(nodeName);
            return true;
        }, e => e is ApiException { Status.Code: 404 }, MaxAttempts, ct).ConfigureAwait(false);
    }

    /// <summary>Every node's credential, by node name.</summary>
    public async Task<IReadOnlyList<NodeCredentialStatus>> ListAsync(CancellationToken ct)
    {
        var items = new List<NodeCredentialStatus>();
        string? after = null;
        do
        {
            var page = await _objects.ListAsync(ResourceTypes.Secrets, "kube-system", IsCredential, 500, after, share: true, ct).ConfigureAwait(false);
            foreach (var stored in page.Items)
            {
                if (stored.Object is Secret secret
                    && secret.Metadata.Labels?.GetValueOrDefault(NodeLabel) is { } node
                    && NodeCredentialRecord.FromData(secret.Data) is { } record)
                    items.Add(record.Describe(node));
            }
            after = page.Continue;
        }
        while (after is not null);
        return items.OrderBy(i => i.NodeName, StringComparer.Ordinal).ToList();
    }

    private static bool IsCredential(KubeObject obj) => obj is Secret { Type: SecretType };

    private async Task<(string Node, NodeCredentialRecord Record, NodeCredentialRecord.Match Match)?> FindAsync(string token, CancellationToken ct)
    {
        if (!token.StartsWith(Prefix, StringComparison.Ordinal))
            return null;
        var rest = token.AsSpan(Prefix.Length);
        var colon = rest.LastIndexOf(':');
        if (colon <= 0)
            return null;
        var nodeName = rest[..colon].ToString();
        var presented = NodeCredentialRecord.Hash(rest[(colon + 1)..].ToString());
        // Another request promoted it first, or the admin revoked it: read again.
        return await ConflictRetry.RetryOnErrorAsync<(string Node, NodeCredentialRecord Record, NodeCredentialRecord.Match Match)?>(async token =>
        {
            var stored = await _objects.GetAsync(ResourceTypes.Secrets, "kube-system", SecretName(nodeName), token).ConfigureAwait(false);
            if (stored?.Type != SecretType || NodeCredentialRecord.FromData(stored.Data) is not { } record)
                return null;
            var now = _time.GetUtcNow();
            var match = record.Find(presented, now);
            if (match == NodeCredentialRecord.Match.None)
                return null;
            if (match != NodeCredentialRecord.Match.Pending)
                return (nodeName, record, match);
            // First use of a renewal: the agent has stored it (it sends it only after), so it becomes current.
            var promoted = record.Promote(now, _options.Overlap);
            await _objects.UpdateAsync(ResourceTypes.Secrets, stored with { Data = promoted.ToData() }, stored, statusOnly: false, token).ConfigureAwait(false);
            Forget(nodeName);
            return (nodeName, promoted, NodeCredentialRecord.Match.Current);
        }, LostRace, MaxAttempts, ct).ConfigureAwait(false);
    }

    /// <summary>Writes <paramref name="change"/> of the stored record (null when there is none), retrying on conflicts; returns what was written (null: nothing).</summary>
    private async Task<NodeCredentialRecord?> WriteAsync(string nodeName, Func<NodeCredentialRecord?, NodeCredentialRecord?> change, CancellationToken ct)
    {
        // Written by a concurrent promotion, renewal or revocation: read again and redo the change on that.
        return await ConflictRetry.RetryOnErrorAsync(async token =>
        {
            var existing = await _objects.GetAsync(ResourceTypes.Secrets, "kube-system", SecretName(nodeName), token).ConfigureAwait(false);
            var current = existing is Secret { Type: SecretType } secret ? NodeCredentialRecord.FromData(secret.Data) : null;
            if (change(current) is not { } record)
                return null;
            var stored = new Secret
            {
                ApiVersion = "v1",
                Kind = "Secret",
                Type = SecretType,
                // The registry fills in uid, creationTimestamp and generation, and keeps them on update.
                Metadata = new ObjectMeta
                {
                    Name = SecretName(nodeName),
                    Namespace = "kube-system",
                    ResourceVersion = existing?.Metadata.ResourceVersion,
                    Labels = new() { [NodeLabel] = nodeName },
                },
                Data = record.ToData(),
            };
            if (existing is null)
                await _objects.CreateAsync(ResourceTypes.Secrets, stored, token).ConfigureAwait(false);
            else
                await _objects.UpdateAsync(ResourceTypes.Secrets, stored, existing, statusOnly: false, token).ConfigureAwait(false);
            return record;
        }, LostRace, MaxAttempts, ct).ConfigureAwait(false);
    }

    /// <summary>A 409, or a 404 when a concurrent revocation deleted the record between our read and write.</summary>
    private static bool LostRace(Exception e) => e is ApiException { Status.Code: 409 or 404 };

    private void Forget(string nodeName)
    {
        foreach (var key in _verified.Where(e => e.Value.Node == nodeName).Select(e => e.Key).ToList())
            _verified.TryRemove(key, out _);
    }

    private static (string Token, string Secret) NewToken(string nodeName)
    {
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        return ($"{Prefix}{nodeName}:{secret}", secret);
    }
}
