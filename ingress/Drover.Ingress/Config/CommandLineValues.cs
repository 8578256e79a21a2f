using System.Globalization;
using System.Net;
using Drover.Api;

namespace Drover.Ingress.Config;

/// <summary>Parses flag values; every failure names the flag and the value it refused.</summary>
public static class CommandLineValues
{
    public static int Port(string flag, string? text, bool allowZero)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535 || (port == 0 && !allowZero))
            throw new IngressOptionsException($"{flag}: \"{text}\" is not a port number (1-65535{(allowZero ? ", or 0 to turn it off" : "")})");
        return port;
    }

    public static IPAddress Address(string flag, string? text) =>
        IPAddress.TryParse(text, out var address) ? address : throw new IngressOptionsException($"{flag}: \"{text}\" is not an IP address");

    /// <summary>"HOST:PORT" (IPv6 as "[::1]:PORT"), or "off".</summary>
    public static IPEndPoint? EndPointOrOff(string flag, string? text)
    {
        if (string.Equals(text, "off", StringComparison.OrdinalIgnoreCase))
            return null;
        if (!IPEndPoint.TryParse(text ?? "", out var endpoint) || endpoint.Port == 0)
            throw new IngressOptionsException($"{flag}: \"{text}\" is not an address such as 127.0.0.1:10254 (or off)");
        return endpoint;
    }

    public static Uri Url(string flag, string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "https" or "http"
            ? url
            : throw new IngressOptionsException($"{flag}: \"{text}\" is not an http(s) URL such as https://127.0.0.1:6443");

    /// <summary>A positive duration in the grammar every binary's flags share (<see cref="GoDurations"/>: "500ms", "1m30s").</summary>
    public static TimeSpan PositiveDuration(string flag, string? text) =>
        GoDurations.ParseFlag(text, mayBeZero: false, out var duration) is { } problem
            ? throw new IngressOptionsException($"{flag}: \"{text}\" {problem}")
            : duration;
}
