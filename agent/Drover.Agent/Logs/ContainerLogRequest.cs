using System.Globalization;

namespace Drover.Agent.Logs;

/// <summary>
/// <c>GET /containerLogs/{namespace}/{pod}/{container}?follow=&amp;tailLines=&amp;timestamps=&amp;previous=</c>,
/// the kubelet's shape. Parameters are checked strictly: a value the agent would ignore is refused instead.
/// </summary>
internal sealed record ContainerLogRequest
{
    public const string PathPrefix = "/containerLogs/";

    public required string Namespace { get; init; }
    public required string Pod { get; init; }
    public required string Container { get; init; }
    public bool Follow { get; init; }

    /// <summary>Null: every line.</summary>
    public long? TailLines { get; init; }

    public bool Timestamps { get; init; }
    public bool Previous { get; init; }

    /// <summary>Parses a request target (path and query); throws <see cref="LogRequestException"/> (400 or 404) naming what is wrong.</summary>
    public static ContainerLogRequest Parse(string target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var question = target.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? target : target[..question];
        var query = question < 0 ? "" : target[(question + 1)..];
        if (!path.StartsWith(PathPrefix, StringComparison.Ordinal))
            throw new LogRequestException(404, $"no such path {path}; container logs are at {PathPrefix}NAMESPACE/POD/CONTAINER");
        var segments = path[PathPrefix.Length..].Split('/');
        if (segments.Length != 3 || segments.Any(s => s.Length == 0))
            throw new LogRequestException(404, $"no such path {path}; container logs are at {PathPrefix}NAMESPACE/POD/CONTAINER");

        var request = new ContainerLogRequest
        {
            Namespace = Uri.UnescapeDataString(segments[0]),
            Pod = Uri.UnescapeDataString(segments[1]),
            Container = Uri.UnescapeDataString(segments[2]),
        };
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..].Replace('+', ' '));
            request = name switch
            {
                "follow" => request with { Follow = ParseBool(name, value) },
                "timestamps" => request with { Timestamps = ParseBool(name, value) },
                "previous" => request with { Previous = ParseBool(name, value) },
                "tailLines" => request with { TailLines = ParseTail(value) },
                _ => throw new LogRequestException(400, $"unknown parameter \"{name}\"; supported: follow, tailLines, timestamps, previous"),
            };
        }

        return request;
    }

    /// <summary>Go's strconv.ParseBool, which Kubernetes query parameters use.</summary>
    internal static bool? TryParseBool(string value) => value switch
    {
        "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
        "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
        _ => null,
    };

    private static bool ParseBool(string name, string value) =>
        TryParseBool(value) ?? throw new LogRequestException(400, $"{name}: invalid value \"{value}\": must be true or false");

    private static long ParseTail(string value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var lines)
            ? lines
            : throw new LogRequestException(400, $"tailLines: invalid value \"{value}\": must be a whole number, 0 or more");
}
