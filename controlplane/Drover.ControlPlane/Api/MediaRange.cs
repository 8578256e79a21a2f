namespace Drover.ControlPlane.Api;

/// <summary>
/// One entry of an Accept header with its parameters, as Kubernetes negotiates them:
/// <c>application/json;as=Table;v=v1;g=meta.k8s.io</c> asks for a Table, <c>…;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList</c>
/// for aggregated discovery. Parameters are compared ignoring case of the key, exactly in the value.
/// </summary>
internal sealed record MediaRange(string Type, IReadOnlyDictionary<string, string> Parameters)
{
    /// <summary>More entries than this in one Accept header are not looked at (kubectl sends three at most).</summary>
    public const int MaxEntries = 16;

    public string? this[string key] => Parameters.GetValueOrDefault(key);

    /// <summary>The entries in the order sent (Kubernetes honours the client's order, not q-values).</summary>
    public static IReadOnlyList<MediaRange> ParseAccept(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ranges = new List<MediaRange>();
        foreach (var header in request.Headers.Accept)
        {
            if (header is null)
                continue;
            foreach (var entry in header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (ranges.Count == MaxEntries)
                    return ranges;
                var parts = entry.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (parts.Length == 0)
                    continue;
                var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                foreach (var part in parts.AsSpan(1))
                {
                    var eq = part.IndexOf('=', StringComparison.Ordinal);
                    if (eq > 0)
                        parameters[part[..eq].Trim()] = part[(eq + 1)..].Trim().Trim('"');
                }
                ranges.Add(new MediaRange(parts[0].ToLowerInvariant(), parameters));
            }
        }
        return ranges;
    }

    public bool IsJson => Type is "application/json" or "*/*" or "application/*";

    /// <summary>True for <c>application/json;as=KIND;g=GROUP;v=VERSION</c>.</summary>
    public bool Names(string kind, string group, string version) =>
        Type == "application/json" && this["as"] == kind && this["g"] == group && this["v"] == version;
}
