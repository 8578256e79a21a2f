using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Drover.Ingress.Config;

/// <summary>
/// The address written into ingress status when --publish-address is not given: the bind address when it
/// is a specific one, else this host's first non-loopback IPv4 address that is up, else 127.0.0.1.
/// </summary>
public static class PublishAddress
{
    public static string Detect(IPAddress bindAddress)
    {
        ArgumentNullException.ThrowIfNull(bindAddress);
        if (!bindAddress.Equals(IPAddress.Any) && !bindAddress.Equals(IPAddress.IPv6Any))
            return bindAddress.ToString();
        foreach (var candidate in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (candidate.NetworkInterfaceType == NetworkInterfaceType.Loopback || candidate.OperationalStatus != OperationalStatus.Up)
                continue;
            var address = candidate.GetIPProperties().UnicastAddresses
                .Select(u => u.Address)
                .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
            if (address is not null)
                return address.ToString();
        }
        return IPAddress.Loopback.ToString();
    }
}
