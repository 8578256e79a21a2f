using System.Globalization;
using Drover.Api;

namespace Drover.Cli.Commands;

/// <summary>
/// The [LOCAL:]REMOTE arguments of `port-forward` made into port numbers as kubectl's Complete does: a REMOTE may name a
/// port (the container's for a pod, the Service's for svc/NAME); for svc/NAME, REMOTE is a Service port, forwarded to the
/// pod's port it targets (translateServicePortToTargetPort, named target ports included), and a bare REMOTE keeps the
/// Service port as the local one; a port only UDP serves is refused (checkUDPPorts). Then the numbers are checked.
/// </summary>
internal static class ForwardedPorts
{
    public static List<(int Local, int Remote)> Resolve(IReadOnlyList<string> arguments, Pod pod, Service? service)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(pod);
        var pairs = new List<(int, int)>(arguments.Count);
        foreach (var argument in arguments)
        {
            var parts = argument.Split(':');
            if (parts.Length > 2)
                throw new CliException($"error: invalid port format '{argument}'");
            var (local, remote) = parts.Length == 2 ? (parts[0], parts[1]) : (parts[0], parts[0]);
            if (remote.Length > 0)
            {
                CheckNotUdpOnly(remote, pod, service);
                (local, remote) = service is null ? PodPort(local, remote, pod) : ServicePort(local, remote, service, pod);
            }
            pairs.Add(ParsePair(parts.Length == 2 || local != remote ? $"{local}:{remote}" : remote));
        }
        return pairs;
    }

    private static (string Local, string Remote) PodPort(string local, string remote, Pod pod)
    {
        if (IsNumber(remote))
            return (local, remote);
        var number = Text(ContainerPortByName(pod, remote));
        return (local == remote ? number : local, number);
    }

    private static (string Local, string Remote) ServicePort(string local, string remote, Service service, Pod pod)
    {
        int port;
        if (IsNumber(remote))
        {
            port = int.Parse(remote, CultureInfo.InvariantCulture);
        }
        else
        {
            port = ServicePortByName(service, remote);
            if (local == remote)
                local = Text(port);
        }
        return (local, Text(TargetPort(service, pod, port)));
    }

    /// <summary>kubectl's LookupContainerPortNumberByServicePort.</summary>
    private static int TargetPort(Service service, Pod pod, int port)
    {
        var spec = service.Spec.Ports?.Find(p => p.Port == port)
            ?? throw new CliException($"error: Service {service.Metadata.Name} does not have a service port {Text(port)}");
        if (service.Spec.ClusterIP == "None")
            return port;
        if (spec.TargetPort is not { } target || (!target.IsString && target.IntValue == 0))
            return spec.Port;
        return target.IsString ? ContainerPortByName(pod, target.StringValue) : target.IntValue;
    }

    private static int ServicePortByName(Service service, string name) =>
        service.Spec.Ports?.Find(p => p.Name == name)?.Port
        ?? throw new CliException($"error: Service '{service.Metadata.Name}' does not have a named port '{name}'");

    private static int ContainerPortByName(Pod pod, string name) =>
        pod.Spec.Containers.SelectMany(c => c.Ports ?? []).FirstOrDefault(p => p.Name == name)?.Port
        ?? throw new CliException($"error: Pod '{pod.Metadata.Name}' does not have a named port '{name}'");

    /// <summary>kubectl's checkUDPPorts: a port declared for UDP and not for TCP cannot be forwarded (port-forward is TCP).</summary>
    private static void CheckNotUdpOnly(string remote, Pod pod, Service? service)
    {
        var declared = service is null
            ? pod.Spec.Containers.SelectMany(c => c.Ports ?? []).Select(p => (p.Port, p.Protocol))
            : (service.Spec.Ports ?? []).Select(p => (p.Port, p.Protocol));
        var number = IsNumber(remote) ? int.Parse(remote, CultureInfo.InvariantCulture)
            : service is null ? ContainerPortByName(pod, remote) : ServicePortByName(service, remote);
        var protocols = declared.Where(d => d.Port == number).Select(d => d.Protocol ?? "TCP").ToHashSet(StringComparer.Ordinal);
        if (protocols.Contains("UDP") && !protocols.Contains("TCP"))
            throw new CliException($"error: UDP protocol is not supported for {remote}");
    }

    private static bool IsNumber(string text) =>
        text.Length is > 0 and <= 9 && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    private static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);

    /// <summary>kubectl's parsePorts: LOCAL:REMOTE, REMOTE (the same number locally) or :REMOTE (a free local port).</summary>
    internal static (int Local, int Remote) ParsePair(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var local = colon < 0 ? text : text[..colon];
        var remote = colon < 0 ? text : text[(colon + 1)..];
        return (local.Length == 0 ? 0 : Port(local, text, allowZero: true), Port(remote, text, allowZero: false));
    }

    private static int Port(string value, string pair, bool allowZero) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535 && (allowZero || port > 0)
            ? port
            : throw new CliException($"error: Error parsing local port '{pair}': the port must be a number between {(allowZero ? 0 : 1)} and 65535");
}
