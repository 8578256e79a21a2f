using System.Text;

namespace Drover.Ingress.Config;

/// <summary>
/// A service port as an ingress names it, resolved to the ready addresses of its Endpoints. Routes to the
/// same service port share one, and with it the round-robin position.
/// </summary>
public sealed class Backend
{
    private uint _next;

    public Backend(string ns, string service, string port, IReadOnlyList<Destination> destinations, string? problem)
    {
        ArgumentNullException.ThrowIfNull(ns);
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(port);
        ArgumentNullException.ThrowIfNull(destinations);
        Namespace = ns;
        Service = service;
        Port = port;
        Destinations = destinations;
        Problem = destinations.Count == 0 ? problem ?? $"service {ns}/{service} (port {port}) has no ready endpoint" : null;
        UnavailableBody = Problem is null ? [] : Encoding.UTF8.GetBytes($"503 Service Unavailable: {Problem}\n");
    }

    public string Namespace { get; }
    public string Service { get; }
    /// <summary>The port as the ingress gave it: a number or a name.</summary>
    public string Port { get; }
    public string Key => $"{Namespace}/{Service}:{Port}";
    public IReadOnlyList<Destination> Destinations { get; }

    /// <summary>Why there is nowhere to send a request (null when there is): the 503 body says it.</summary>
    public string? Problem { get; }

    internal byte[] UnavailableBody { get; }

    /// <summary>
    /// Round robin over the addresses, skipping those passive health checks took out; when every one is
    /// out, one is tried anyway (as nginx does), because a 502 is no better than an attempt.
    /// </summary>
    public Destination? Pick(long nowTimestamp)
    {
        var destinations = Destinations;
        var count = destinations.Count;
        if (count == 0)
            return null;
        var start = Interlocked.Increment(ref _next);
        if (count == 1)
            return destinations[0];
        for (var i = 0; i < count; i++)
        {
            var candidate = destinations[(int)((start + (uint)i) % (uint)count)];
            if (candidate.Health.IsHealthy(nowTimestamp))
                return candidate;
        }
        return destinations[(int)(start % (uint)count)];
    }
}
