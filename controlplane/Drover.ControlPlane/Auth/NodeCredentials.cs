using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Drover.Api;
using Drover.ControlPlane.Registry;

namespace Drover.ControlPlane.Auth;

/// <summary>
/// Per-node credentials: <c>drover-node:NAME:SECRET</c>. Only a SHA-256 of the secret is stored, in a
/// Secret in kube-system (so it replicates with the store and survives restarts); a leaked store
/// does not leak usable credentials. Verified tokens are cached briefly to keep heartbeats cheap.
/// </summary>
public sealed class NodeCredentials
{
    public const string Prefix = "drover-node:";
    public const string SecretType = "drover.io/node-credential";
    private const string HashKey = "sha256";
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    private readonly ObjectService _objects;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (string Node, DateTimeOffset Until)> _verified = new(StringComparer.Ordinal);

    public NodeCredentials(ObjectService objects, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(time);
        _objects = objects;
        _time = time;
    }

    public static string SecretName(string nodeName) => nodeName + ".node-credential";

    /// <summary>Issues a fresh credential for <paramref name="nodeName"/>, replacing any earlier one.</summary>
    public async Task<string> IssueAsync(string nodeName, CancellationToken ct)
    {
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var token = $"{Prefix}{nodeName}:{secret}";
        var stored = new Secret
        {
            ApiVersion = "v1",
            Kind = "Secret",
            Type = SecretType,
            Metadata = new ObjectMeta
            {
                Name = SecretName(nodeName),
                Namespace = "kube-system",
                Labels = new() { ["drover.io/node"] = nodeName },
            },
            Data = new() { [HashKey] = SHA256.HashData(Encoding.UTF8.GetBytes(secret)) },
        };
        var existing = await _objects.GetAsync(ResourceTypes.Secrets, "kube-system", stored.Metadata.Name!, ct).ConfigureAwait(false);
        if (existing is null)
            await _objects.CreateAsync(ResourceTypes.Secrets, stored, ct).ConfigureAwait(false);
        else
            await _objects.UpdateAsync(ResourceTypes.Secrets, stored, existing, statusOnly: false, ct).ConfigureAwait(false);
        foreach (var key in _verified.Where(e => e.Value.Node == nodeName).Select(e => e.Key).ToList())
            _verified.TryRemove(key, out _);
        return token;
    }

    /// <summary>The node a presented token belongs to, or null.</summary>
    public async Task<string?> VerifyAsync(string token, CancellationToken ct)
    {
        if (!token.StartsWith(Prefix, StringComparison.Ordinal))
            return null;
        var now = _time.GetUtcNow();
        if (_verified.TryGetValue(token, out var cached) && cached.Until > now)
            return cached.Node;
        var rest = token.AsSpan(Prefix.Length);
        var colon = rest.LastIndexOf(':');
        if (colon <= 0)
            return null;
        var nodeName = rest[..colon].ToString();
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(rest[(colon + 1)..].ToString()));
        var stored = await _objects.GetAsync(ResourceTypes.Secrets, "kube-system", SecretName(nodeName), ct).ConfigureAwait(false) as Secret;
        if (stored?.Type != SecretType || stored.Data?.GetValueOrDefault(HashKey) is not { } expected || !CryptographicOperations.FixedTimeEquals(presented, expected))
            return null;
        _verified[token] = (nodeName, now + CacheFor);
        return nodeName;
    }
}
