using Drover.Agent.Logs;

namespace Drover.Agent.Streams;

/// <summary>
/// <c>/exec/{namespace}/{pod}/{container}?command=…&amp;stdin=&amp;stdout=&amp;stderr=&amp;tty=</c>,
/// <c>/attach/{namespace}/{pod}/{container}?…</c> and <c>/portforward/{namespace}/{pod}</c>: the kubelet's paths,
/// which droverd calls after checking the caller. Checked strictly (droverd sends nothing else); the runtime checks the rest.
/// </summary>
internal sealed record ContainerStreamRequest
{
    /// <summary>Arguments of one exec command; the kernel's own limit is far above, a longer list is not a person typing.</summary>
    public const int MaxCommandArguments = 1024;

    /// <summary>Total bytes of the exec command.</summary>
    public const int MaxCommandBytes = 64 * 1024;

    public required StreamKind Kind { get; init; }
    public required string Namespace { get; init; }
    public required string Pod { get; init; }

    /// <summary>Null for port forwarding (the sandbox's network, not a container).</summary>
    public string? Container { get; init; }

    public IReadOnlyList<string> Command { get; init; } = [];

    /// <summary>Port forwarding's ports (the kubelet's <c>port</c> query): a WebSocket session's, which the runtime takes from the CRI request.</summary>
    public IReadOnlyList<int> Ports { get; init; } = [];

    /// <summary>Ports of one port-forward session (droverd's own bound).</summary>
    public const int MaxPorts = 64;
    public bool Stdin { get; init; }
    public bool Stdout { get; init; }
    public bool Stderr { get; init; }
    public bool Tty { get; init; }

    /// <summary>Whether <paramref name="target"/> is one of the streaming paths (the rest of the endpoint is container logs).</summary>
    public static bool IsStreamPath(string target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return target.StartsWith("/exec/", StringComparison.Ordinal) || target.StartsWith("/attach/", StringComparison.Ordinal) || target.StartsWith("/portforward/", StringComparison.Ordinal);
    }

    /// <summary>Parses a request target; throws <see cref="LogRequestException"/> (400 or 404) naming what is wrong.</summary>
    public static ContainerStreamRequest Parse(string target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var question = target.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? target : target[..question];
        var query = question < 0 ? "" : target[(question + 1)..];
        var segments = path.Split('/');
        // "", kind, namespace, pod[, container]
        var kind = segments.Length > 1 ? segments[1] switch
        {
            "exec" => StreamKind.Exec,
            "attach" => StreamKind.Attach,
            "portforward" => StreamKind.PortForward,
            _ => (StreamKind?)null,
        } : null;
        var expected = kind == StreamKind.PortForward ? 4 : 5;
        if (kind is null || segments.Length != expected || segments.Skip(2).Any(s => s.Length == 0))
            throw new LogRequestException(404, $"no such path {path}; streams are at /exec|attach/NAMESPACE/POD/CONTAINER and /portforward/NAMESPACE/POD");

        var request = new ContainerStreamRequest
        {
            Kind = kind.Value,
            Namespace = Uri.UnescapeDataString(segments[2]),
            Pod = Uri.UnescapeDataString(segments[3]),
            Container = expected == 5 ? Uri.UnescapeDataString(segments[4]) : null,
        };
        var command = new List<string>();
        var ports = new List<int>();
        var commandBytes = 0;
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
            switch (name)
            {
                case "command" when request.Kind == StreamKind.Exec:
                    commandBytes += value.Length;
                    if (command.Count == MaxCommandArguments || commandBytes > MaxCommandBytes)
                        throw new LogRequestException(400, $"command: longer than {MaxCommandArguments} arguments or {MaxCommandBytes} bytes");
                    command.Add(value);
                    break;
                case "port" when request.Kind == StreamKind.PortForward:
                    if (!int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
                        throw new LogRequestException(400, $"port: invalid value \"{(value.Length > 16 ? value[..16] : value)}\": must be a port number between 1 and 65535");
                    if (ports.Count == MaxPorts)
                        throw new LogRequestException(400, $"port: more than {MaxPorts} ports");
                    ports.Add(port);
                    break;
                case "stdin" when request.Kind != StreamKind.PortForward:
                    request = request with { Stdin = ParseBool(name, value) };
                    break;
                case "stdout" when request.Kind != StreamKind.PortForward:
                    request = request with { Stdout = ParseBool(name, value) };
                    break;
                case "stderr" when request.Kind != StreamKind.PortForward:
                    request = request with { Stderr = ParseBool(name, value) };
                    break;
                case "tty" when request.Kind != StreamKind.PortForward:
                    request = request with { Tty = ParseBool(name, value) };
                    break;
                default:
                    throw new LogRequestException(400, $"unknown parameter \"{name}\" for {segments[1]}");
            }
        }

        if (request.Kind == StreamKind.Exec && command.Count == 0)
            throw new LogRequestException(400, "command: Required value: you must specify at least 1 command");
        if (request.Kind != StreamKind.PortForward && !request.Stdin && !request.Stdout && !request.Stderr)
            throw new LogRequestException(400, "you must specify at least 1 of stdin, stdout, stderr");
        if (request.Tty && request.Stderr)
            throw new LogRequestException(400, "stderr: Invalid value: tty and stderr cannot both be true (a terminal has one output)");
        return request with { Command = command, Ports = ports };
    }

    private static bool ParseBool(string name, string value) =>
        ContainerLogRequest.TryParseBool(value) ?? throw new LogRequestException(400, $"{name}: invalid value \"{value}\": must be true or false");
}
