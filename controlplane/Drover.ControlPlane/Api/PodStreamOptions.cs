using System.Globalization;
using System.Text;
using Drover.Api;

namespace Drover.ControlPlane.Api;

/// <summary>
/// The query of pods/exec, pods/attach and pods/portforward (Kubernetes' PodExecOptions, PodAttachOptions,
/// PodPortForwardOptions): checked here, so a bad request is a 400 naming the field before any node is asked.
/// </summary>
public sealed record PodStreamOptions
{
    /// <summary>Arguments of one exec command (the agent checks the same).</summary>
    public const int MaxCommandArguments = 1024;

    public const int MaxCommandBytes = 64 * 1024;

    public string? Container { get; init; }
    public IReadOnlyList<string> Command { get; init; } = [];
    public bool Stdin { get; init; }
    public bool Stdout { get; init; }
    public bool Stderr { get; init; }
    public bool Tty { get; init; }
    public IReadOnlyList<int> Ports { get; init; } = [];

    public static PodStreamOptions Parse(string subresource, IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(subresource);
        ArgumentNullException.ThrowIfNull(query);
        if (subresource == "portforward")
            return new PodStreamOptions { Ports = ParsePorts(query) };

        var command = query["command"].Select(c => c ?? "").ToList();
        var options = new PodStreamOptions
        {
            Container = QueryParameters.Single(query, "container") is { Length: > 0 } c ? c : null,
            Command = command,
            Stdin = QueryParameters.Bool(query, "stdin"),
            Stdout = QueryParameters.Bool(query, "stdout"),
            Stderr = QueryParameters.Bool(query, "stderr"),
            Tty = QueryParameters.Bool(query, "tty"),
        };
        if (subresource == "exec")
        {
            if (command.Count == 0)
                throw new ApiException(ApiErrors.BadRequest("command: Required value: you must specify at least 1 command"));
            if (command.Count > MaxCommandArguments || command.Sum(a => a.Length) > MaxCommandBytes)
                throw new ApiException(ApiErrors.BadRequest($"command: Too long: at most {MaxCommandArguments} arguments and {MaxCommandBytes} bytes"));
            if (command.Any(a => a.Contains('\0', StringComparison.Ordinal)))
                throw new ApiException(ApiErrors.BadRequest("command: Invalid value: an argument holds a NUL character"));
        }
        else if (command.Count > 0)
        {
            throw new ApiException(ApiErrors.BadRequest("command: Forbidden: attach goes to the container's main process; use exec to run a command"));
        }

        if (!options.Stdin && !options.Stdout && !options.Stderr)
            throw new ApiException(ApiErrors.BadRequest("you must specify at least 1 of stdin, stdout, stderr"));
        if (options.Tty && options.Stderr)
            throw new ApiException(ApiErrors.BadRequest("stderr: Invalid value: true: tty and stderr cannot both be true (a terminal has one output stream)"));
        return options;
    }

    private static List<int> ParsePorts(IQueryCollection query)
    {
        var ports = new List<int>();
        foreach (var value in query["ports"].SelectMany(v => (v ?? "").Split(',')))
        {
            if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
                throw new ApiException(ApiErrors.BadRequest($"ports: Invalid value: \"{(value.Length > 16 ? value[..16] + "…" : value)}\": must be a port number between 1 and 65535"));
            if (ports.Count == 64)
                throw new ApiException(ApiErrors.BadRequest("ports: Too many: at most 64 ports per request"));
            ports.Add(port);
        }
        return ports;
    }

    /// <summary>The agent's path (the kubelet's shape) with the checked options.</summary>
    public string AgentPath(string subresource, string ns, string pod, string? container)
    {
        ArgumentNullException.ThrowIfNull(subresource);
        var path = new StringBuilder("/").Append(subresource).Append('/').Append(Uri.EscapeDataString(ns)).Append('/').Append(Uri.EscapeDataString(pod));
        if (container is null)
        {
            // The kubelet's query (port=N): a WebSocket session's ports go to the runtime in the CRI request; SPDY names
            // them per stream instead, and a SPDY request of kubectl's has none here.
            for (var i = 0; i < Ports.Count; i++)
                path.Append(i == 0 ? '?' : '&').Append("port=").Append(Ports[i].ToString(CultureInfo.InvariantCulture));
            return path.ToString();
        }
        path.Append('/').Append(Uri.EscapeDataString(container));
        var separator = '?';
        void Add(string name, string value)
        {
            path.Append(separator).Append(name).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }
        foreach (var argument in Command)
            Add("command", argument);
        if (Stdin)
            Add("stdin", "true");
        if (Stdout)
            Add("stdout", "true");
        if (Stderr)
            Add("stderr", "true");
        if (Tty)
            Add("tty", "true");
        return path.ToString();
    }
}
