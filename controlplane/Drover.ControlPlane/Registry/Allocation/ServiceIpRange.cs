using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Drover.ControlPlane.Registry.Allocation;

/// <summary>
/// The IPv4 service CIDR as offsets: offset 0 is the network address and the last one the broadcast address,
/// neither ever handed out (as Kubernetes' allocator does). Dynamic allocations prefer the upper band and leave
/// the lower one to addresses users ask for (Kubernetes' ServiceIPStaticSubrange: min(max(16, size/16), 256)).
/// </summary>
internal sealed record ServiceIpRange(uint Base, int Bits)
{
    public int Size => 1 << (32 - Bits);

    public int StaticBandEnd => Math.Min(Math.Max(16, Size / 16), 256);

    public override string ToString() => $"{Format(Base)}/{Bits.ToString(CultureInfo.InvariantCulture)}";

    public static ServiceIpRange Parse(string cidr)
    {
        ArgumentNullException.ThrowIfNull(cidr);
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !IPAddress.TryParse(cidr[..slash], out var ip) || ip.AddressFamily != AddressFamily.InterNetwork
            || !int.TryParse(cidr[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var bits) || bits is < 12 or > 28)
            throw new ArgumentException($"--service-cidr \"{cidr}\" is not an IPv4 CIDR from /12 to /28 such as 10.43.0.0/16");
        var value = ToUInt(ip);
        return new ServiceIpRange(value & (uint.MaxValue << (32 - bits)), bits);
    }

    /// <summary>The offset of <paramref name="address"/>, or -1 when it is not a usable address of this range.</summary>
    public int OffsetOf(string address)
    {
        if (!IPAddress.TryParse(address, out var ip) || ip.AddressFamily != AddressFamily.InterNetwork)
            return -1;
        var offset = (long)ToUInt(ip) - Base;
        return offset > 0 && offset < Size - 1 ? (int)offset : -1;
    }

    public string AddressAt(int offset) => Format(Base + (uint)offset);

    private static uint ToUInt(IPAddress ip)
    {
        Span<byte> bytes = stackalloc byte[4];
        ip.TryWriteBytes(bytes, out _);
        return (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
    }

    private static string Format(uint value) =>
        string.Create(CultureInfo.InvariantCulture, $"{value >> 24}.{(value >> 16) & 255}.{(value >> 8) & 255}.{value & 255}");
}
