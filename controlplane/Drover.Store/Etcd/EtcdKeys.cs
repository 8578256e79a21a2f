using System.Text;
using Google.Protobuf;

namespace Drover.Store.Etcd;

/// <summary>Maps the store's string keys to etcd's byte keys under the configured prefix, and prefixes to etcd key ranges.</summary>
internal sealed class EtcdKeys
{
    private static readonly ByteString Zero = ByteString.CopyFrom(0);
    private readonly string _prefix;
    private readonly int _prefixBytes;

    public EtcdKeys(string prefix)
    {
        _prefix = prefix;
        _prefixBytes = Encoding.UTF8.GetByteCount(prefix);
    }

    public ByteString Key(string key) => ByteString.CopyFromUtf8(_prefix + key);

    public string FromEtcd(ByteString key) => Encoding.UTF8.GetString(key.Span[_prefixBytes..]);

    /// <summary>[key, range_end) covering every key that starts with <paramref name="prefix"/> (under the namespace).</summary>
    public (ByteString Key, ByteString RangeEnd) Range(string prefix)
    {
        var full = Encoding.UTF8.GetBytes(_prefix + prefix);
        return full.Length == 0 ? (Zero, Zero) : (ByteString.CopyFrom(full), RangeEnd(full));
    }

    /// <summary>The keys of the prefix range that come strictly after <paramref name="startAfterKey"/>.</summary>
    public (ByteString Key, ByteString RangeEnd) PageRange(string prefix, string? startAfterKey)
    {
        var (start, end) = Range(prefix);
        var lower = StoreKeys.PageLowerBound(prefix, startAfterKey);
        return (ReferenceEquals(lower, prefix) ? start : Key(lower), end);
    }

    /// <summary>etcd's prefix end: the prefix with its last byte below 0xff incremented and the rest dropped; "\0" (no end) when none is.</summary>
    private static ByteString RangeEnd(byte[] prefix)
    {
        for (var i = prefix.Length - 1; i >= 0; i--)
        {
            if (prefix[i] < 0xff)
            {
                var end = prefix.AsSpan(0, i + 1).ToArray();
                end[i]++;
                return ByteString.CopyFrom(end);
            }
        }

        return Zero;
    }
}
