using System.Net;
using System.Net.Sockets;

namespace Drover.Bench.Agent;

internal static class Ports
{
    /// <summary>A port the kernel just handed out on 127.0.0.1 and took back: free unless someone races for it.</summary>
    public static int FreeLoopback()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
