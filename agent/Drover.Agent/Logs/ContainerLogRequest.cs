using System.Globalization;
using Drover.Api;

namespace Drover.Agent.Logs;

/// <summary>
/// <c>GET /containerLogs/{namespace}/{pod}/{container}?follow=&amp;tailLines=&amp;timestamps=&amp;previous=&amp;sinceSeconds=&amp;sinceTime=&amp;limitBytes=</c>,
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

    /// <summary>Lines written in the last N seconds before the request (the kubelet counts from when it is served).</summary>
    public long? SinceSeconds { get; init; }

    /// <summary>Lines written at or after this time.</summary>
    public DateTimeOffset? SinceTime { get; init; }

    /// <summary>The stream ends after this many bytes (a line may be cut, as the kubelet cuts it).</summary>
    public long? LimitBytes { get; init; }

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
                "sinceSeconds" => request with { SinceSeconds = ParseAtLeastOne(name, value) },
                "sinceTime" => request with { SinceTime = Rfc3339.TryParse(value, out var time) ? time : throw new LogRequestException(400, $"sinceTime: invalid value \"{value}\": must be an RFC 3339 time") },
                "limitBytes" => request with { LimitBytes = ParseAtLeastOne(name, value) },
                _ => throw new LogRequestException(400, $"unknown parameter \"{name}\"; supported: follow, tailLines, timestamps, previous, sinceSeconds, sinceTime, limitBytes"),
            };
        }

        if (request.SinceSeconds is not null && request.SinceTime is not null)
            throw new LogRequestException(400, "at most one of sinceTime or sinceSeconds may be specified");
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

    private static long ParseAtLeastOne(string name, string value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1
            ? number
            : throw new LogRequestException(400, $"{name}: invalid value \"{value}\": must be a whole number, 1 or more");

    private static long ParseTail(string value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var lines)
            ? lines
            : throw new LogRequestException(400, $"tailLines: invalid value \"{value}\": must be a whole number, 0 or more");
}
