using System.Globalization;
using System.Net;

namespace Drover.Api.PodNetwork;

/// <summary>
/// An IPv4 network (address and prefix length), normalised to its network address: podCIDRs and the cluster CIDR.
/// Parsed strictly (a dotted quad without leading zeros, as Kubernetes takes it).
/// </summary>
public readonly record struct Ipv4Cidr
{
    private Ipv4Cidr(uint network, int prefixLength)
    {
        Network = network;
        PrefixLength = prefixLength;
    }

    /// <summary>The network address as a host-order integer.</summary>
    public uint Network { get; }

    public int PrefixLength { get; }

    public uint Mask => PrefixLength == 0 ? 0 : uint.MaxValue << (32 - PrefixLength);

    public IPAddress NetworkAddress => ToAddress(Network);

    public static Ipv4Cidr Parse(string text) =>
        TryParse(text, out var cidr) ? cidr : throw new FormatException($"\"{text}\" is not an IPv4 CIDR such as 10.42.0.0/16");

    /// <summary>Host bits set in <paramref name="text"/> are cleared (10.42.1.7/24 is 10.42.1.0/24), as Go's ParseCIDR does.</summary>
    public static bool TryParse(string? text, out Ipv4Cidr cidr)
    {
        cidr = default;
        if (string.IsNullOrEmpty(text) || text.Length > 18)
            return false;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !TryParseAddress(text[..slash], out var address))
            return false;
        var bits = text.AsSpan(slash + 1);
        if (bits.Length is 0 or > 2 || !int.TryParse(bits, NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix > 32
            || (bits.Length == 2 && bits[0] == '0'))
            return false;
        var mask = prefix == 0 ? 0 : uint.MaxValue << (32 - prefix);
        cidr = new Ipv4Cidr(ToUInt32(address) & mask, prefix);
        return true;
    }

    /// <summary>A dotted-quad IPv4 address (no leading zeros, no shorthand such as "10.1").</summary>
    public static bool TryParseAddress(string? text, out IPAddress address)
    {
        address = IPAddress.None;
        if (string.IsNullOrEmpty(text) || text.Contains(':', StringComparison.Ordinal) || !NetworkRules.TryParseIp(text, out var parsed))
            return false;
        address = parsed!;
        return true;
    }

    public bool Contains(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && (ToUInt32(address) & Mask) == Network;
    }

    /// <summary>Whether <paramref name="other"/> lies wholly inside this network.</summary>
    public bool Contains(Ipv4Cidr other) => other.PrefixLength >= PrefixLength && (other.Network & Mask) == Network;

    public bool Overlaps(Ipv4Cidr other) => Contains(other) || other.Contains(this);

    public override string ToString() => $"{NetworkAddress}/{PrefixLength.ToString(CultureInfo.InvariantCulture)}";

    public static uint ToUInt32(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[4];
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork || !address.TryWriteBytes(bytes, out _))
            throw new ArgumentException($"{address} is not an IPv4 address", nameof(address));
        return (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
    }

    public static IPAddress ToAddress(uint value) =>
        new([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
}
