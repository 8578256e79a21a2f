namespace Drover.Ingress.Config;

/// <summary>One ready endpoint address of a backend. <see cref="Prefix"/> is built once, not per request.</summary>
public sealed class Destination
{
    public Destination(string ip, int port, DestinationHealth health)
    {
        ArgumentNullException.ThrowIfNull(ip);
        ArgumentNullException.ThrowIfNull(health);
        Address = FormatAddress(ip, port);
        Prefix = "http://" + Address;
        Health = health;
    }

    public static string FormatAddress(string ip, int port)
    {
        ArgumentNullException.ThrowIfNull(ip);
        var text = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ip.Contains(':', StringComparison.Ordinal) ? $"[{ip}]:{text}" : $"{ip}:{text}";
    }

    /// <summary>"ip:port" (IPv6 in brackets).</summary>
    public string Address { get; }

    /// <summary>"http://ip:port", what YARP's forwarder prepends to the request path.</summary>
    public string Prefix { get; }

    public DestinationHealth Health { get; }
}
