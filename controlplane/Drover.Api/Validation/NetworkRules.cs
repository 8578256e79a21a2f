using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Drover.Api;

/// <summary>
/// IP and CIDR syntax as Kubernetes accepts it. <see cref="IPAddress.TryParse(string?, out IPAddress?)"/>
/// alone is too lenient ("10.1" or "0x0a.0.0.1" parse as IPv4), so IPv4 is checked as a plain
/// dotted quad and IPv6 must contain ':' and carry no zone.
/// </summary>
internal static class NetworkRules
{
    public const string IpMessage = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";
    public const string CidrMessage = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";

    public static bool TryParseIp(string text, out IPAddress? address)
    {
        address = null;
        if (text.Contains(':'))
        {
            return !text.Contains('%')
                && IPAddress.TryParse(text, out address)
                && address.AddressFamily == AddressFamily.InterNetworkV6;
        }
        var bytes = new byte[4];
        var part = 0;
        foreach (var range in text.AsSpan().Split('.'))
        {
            var span = text.AsSpan()[range];
            // Leading zeros are rejected: Go's parser (and so Kubernetes) refuses them as ambiguous octal.
            if (part == 4 || span.Length is 0 or > 3 || (span.Length > 1 && span[0] == '0'))
                return false;
            foreach (var c in span)
                if (!char.IsAsciiDigit(c))
                    return false;
            var value = int.Parse(span, NumberStyles.None, CultureInfo.InvariantCulture);
            if (value > 255)
                return false;
            bytes[part++] = (byte)value;
        }
        if (part != 4)
            return false;
        address = new IPAddress(bytes);
        return true;
    }

    public static bool IsIp(string text) => TryParseIp(text, out _);

    public static bool IsCidr(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !TryParseIp(text[..slash], out var address))
            return false;
        var bits = text.AsSpan(slash + 1);
        if (bits.Length is 0 or > 3 || !int.TryParse(bits, NumberStyles.None, CultureInfo.InvariantCulture, out var prefix))
            return false;
        return prefix <= (address!.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32);
    }

    /// <summary>
    /// Endpoint addresses must be routable pod or node addresses; Kubernetes rejects these ranges so a
    /// Service can never be pointed at the proxy's own host.
    /// </summary>
    public static string? SpecialIpProblem(IPAddress address)
    {
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
            return "may not be unspecified (0.0.0.0)";
        if (IPAddress.IsLoopback(address))
            return "may not be in the loopback range (127.0.0.0/8, ::1/128)";
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            if (b[0] == 169 && b[1] == 254)
                return "may not be in the link-local range (169.254.0.0/16, fe80::/10)";
            if (b[0] == 224 && b[1] == 0 && b[2] == 0)
                return "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)";
        }
        else
        {
            if (address.IsIPv6LinkLocal)
                return "may not be in the link-local range (169.254.0.0/16, fe80::/10)";
            if (address.IsIPv6Multicast && (address.GetAddressBytes()[1] & 0x0f) == 2)
                return "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)";
        }
        return null;
    }
}
