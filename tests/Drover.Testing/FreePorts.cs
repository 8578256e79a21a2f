using System.Net;
using System.Net.Sockets;

namespace Drover.Testing;

/// <summary>
/// Loopback ports for daemons a test starts. The kernel may hand the same ephemeral port to two
/// listeners opened and closed one after the other, so a port is never given out twice in one
/// test process (an ingress once got the same port for --http-port and --https-port).
/// </summary>
public static class FreePorts
{
    private static readonly HashSet<int> s_given = [];

    public static int Next()
    {
        for (var attempt = 0; ; attempt++)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (s_given)
            {
                if (s_given.Add(port) || attempt >= 100)
                    return port;
            }
        }
    }
}
