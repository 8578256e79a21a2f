using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Drover.Agent.Configuration;

/// <summary>The node's InternalIP when none is given: the IPv4 address of the interface that holds the default route.</summary>
internal static class NodeAddressDetector
{
    public static IPAddress Detect()
    {
        var interfaces = NetworkInterface.GetAllNetworkInterfaces();
        var defaultInterface = DefaultRouteInterface();
        if (defaultInterface is not null && interfaces.FirstOrDefault(n => n.Name == defaultInterface) is { } withRoute && FirstIPv4(withRoute) is { } routed)
            return routed;
        foreach (var candidate in interfaces)
        {
            if (candidate.NetworkInterfaceType == NetworkInterfaceType.Loopback || candidate.OperationalStatus == OperationalStatus.Down)
                continue;
            if (FirstIPv4(candidate) is { } address)
                return address;
        }
        return IPAddress.Loopback;
    }

    private static IPAddress? FirstIPv4(NetworkInterface networkInterface) =>
        networkInterface.GetIPProperties().UnicastAddresses
            .Select(u => u.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));

    /// <summary>/proc/net/route lists the routing table; destination 00000000 with mask 00000000 is the default route.</summary>
    private static string? DefaultRouteInterface()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/net/route").Skip(1))
            {
                var fields = line.Split('\t', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (fields.Length > 7 && fields[1] == "00000000" && fields[7] == "00000000"
                    && int.TryParse(fields[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var flags) && (flags & 1) != 0)
                    return fields[0];
            }
        }
        catch (IOException)
        {
            // No procfs routing table (not Linux, or a restricted sandbox): fall back to the first address.
        }
        return null;
    }
}
