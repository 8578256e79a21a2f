using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Drover.Api.Client;

namespace Drover.ControlPlane.Auth;

/// <summary>
/// What droverd keeps of one node's credentials (the data of its kube-system Secret): hashes only, with their times.
/// <list type="bullet">
/// <item><b>current</b>: the credential in use.</item>
/// <item><b>pending</b>: a renewal handed out and not used yet. The agent stores it before it sends it, so its first
/// use proves it is safe on the node's disk: it then becomes current. Until then the current one stays valid to its own
/// end, so an agent that dies between asking and storing keeps a working credential.</item>
/// <item><b>previous</b>: the credential a used renewal replaced, valid for the overlap window.</item>
/// </list>
/// Pure: times come in, a new record goes out; <see cref="NodeCredentials"/> stores it.
/// </summary>
internal sealed record NodeCredentialRecord
{
    private const string Sha256 = "sha256";
    private const string Issued = "issued";
    private const string Expires = "expires";
    private const string PendingPrefix = "pending-";
    private const string PreviousSha256 = "previous-sha256";
    private const string PreviousUntil = "previous-until";

    public required Slot Current { get; init; }
    public Slot? Pending { get; init; }
    public byte[]? PreviousHash { get; init; }
    public DateTimeOffset? PreviousValidUntil { get; init; }

    /// <summary>One credential: the SHA-256 of its secret and, except for credentials from before they expired, its times.</summary>
    public sealed record Slot(byte[] Hash, DateTimeOffset? IssuedAt, DateTimeOffset? ExpiresAt)
    {
        public bool IsValidAt(DateTimeOffset now) => ExpiresAt is not { } end || now < end;
    }

    public enum Match { None, Current, Pending, Previous }

    /// <summary>A credential issued at <paramref name="now"/> (to the millisecond, as stored).</summary>
    public static Slot NewSlot(byte[] hash, DateTimeOffset now, TimeSpan lifetime)
    {
        var issued = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());
        return new(hash, issued, issued + lifetime);
    }

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>Which of the credentials <paramref name="hash"/> is, if it is one that works at <paramref name="now"/>.</summary>
    public Match Find(byte[] hash, DateTimeOffset now)
    {
        if (CryptographicOperations.FixedTimeEquals(hash, Current.Hash) && Current.IsValidAt(now))
            return Match.Current;
        if (Pending is { } pending && CryptographicOperations.FixedTimeEquals(hash, pending.Hash) && pending.IsValidAt(now))
            return Match.Pending;
        if (PreviousHash is { } previous && PreviousValidUntil is { } until && now < until && CryptographicOperations.FixedTimeEquals(hash, previous))
            return Match.Previous;
        return Match.None;
    }

    /// <summary>The pending credential has been used: it becomes current, and the current one works for <paramref name="overlap"/> more (never past its own end).</summary>
    public NodeCredentialRecord Promote(DateTimeOffset now, TimeSpan overlap)
    {
        var pending = Pending ?? throw new InvalidOperationException("no pending credential to promote");
        var until = now + overlap;
        if (Current.ExpiresAt is { } end && end < until)
            until = end;
        return new NodeCredentialRecord { Current = pending, PreviousHash = Current.Hash, PreviousValidUntil = until };
    }

    /// <summary>Until when a credential found as <paramref name="match"/> works (null: no end).</summary>
    public DateTimeOffset? ValidUntil(Match match) => match switch
    {
        Match.Current => Current.ExpiresAt,
        Match.Pending => Pending?.ExpiresAt,
        Match.Previous => PreviousValidUntil,
        _ => null,
    };

    /// <summary>How the node or the admin sees the credential found as <paramref name="match"/> (the current one for <see cref="Match.None"/>).</summary>
    public NodeCredentialStatus Describe(string nodeName, Match match = Match.Current)
    {
        var slot = match == Match.Pending && Pending is { } pending ? pending : Current;
        return new NodeCredentialStatus
        {
            NodeName = nodeName,
            IssuedAt = match == Match.Previous ? null : slot.IssuedAt,
            ExpiresAt = match == Match.Previous ? PreviousValidUntil : slot.ExpiresAt,
            PendingIssuedAt = match == Match.Current ? Pending?.IssuedAt : null,
            PreviousValidUntil = match == Match.Current ? PreviousValidUntil : null,
        };
    }

    public Dictionary<string, byte[]> ToData()
    {
        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        Write(data, "", Current);
        if (Pending is { } pending)
            Write(data, PendingPrefix, pending);
        if (PreviousHash is { } previous && PreviousValidUntil is { } until)
        {
            data[PreviousSha256] = previous;
            data[PreviousUntil] = Time(until);
        }
        return data;
    }

    /// <summary>The record in a Secret's data, or null when it holds no usable current hash.</summary>
    public static NodeCredentialRecord? FromData(IReadOnlyDictionary<string, byte[]>? data)
    {
        if (data is null || ReadSlot(data, "") is not { } current)
            return null;
        var previous = data.GetValueOrDefault(PreviousSha256);
        var until = ReadTime(data, PreviousUntil);
        return new NodeCredentialRecord
        {
            Current = current,
            Pending = ReadSlot(data, PendingPrefix),
            PreviousHash = previous is { Length: 32 } && until is not null ? previous : null,
            PreviousValidUntil = previous is { Length: 32 } ? until : null,
        };
    }

    private static void Write(Dictionary<string, byte[]> data, string prefix, Slot slot)
    {
        data[prefix + Sha256] = slot.Hash;
        if (slot.IssuedAt is { } issued)
            data[prefix + Issued] = Time(issued);
        if (slot.ExpiresAt is { } expires)
            data[prefix + Expires] = Time(expires);
    }

    private static Slot? ReadSlot(IReadOnlyDictionary<string, byte[]> data, string prefix) =>
        data.GetValueOrDefault(prefix + Sha256) is { Length: 32 } hash
            ? new Slot(hash, ReadTime(data, prefix + Issued), ReadTime(data, prefix + Expires))
            : null;

    // Unix milliseconds as text: readable in `drover get secret -o yaml` after base64, and exact for lifetimes of seconds.
    private static byte[] Time(DateTimeOffset time) =>
        Encoding.ASCII.GetBytes(time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));

    private static DateTimeOffset? ReadTime(IReadOnlyDictionary<string, byte[]> data, string key) =>
        data.GetValueOrDefault(key) is { } bytes
        && long.TryParse(Encoding.ASCII.GetString(bytes), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
        && ms <= DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : null;
}
