namespace Drover.Ingress.Routing;

/// <summary>Host header handling without allocating: the name part of "name[:port]" or "[v6]:port".</summary>
public static class HostName
{
    public static ReadOnlySpan<char> WithoutPort(ReadOnlySpan<char> host)
    {
        if (host.IsEmpty)
            return host;
        if (host[0] == '[')
        {
            var close = host.IndexOf(']');
            return close < 0 ? host : host[..(close + 1)];
        }
        var colon = host.LastIndexOf(':');
        if (colon >= 0)
            host = host[..colon];
        // "example.com." is the same name as "example.com" (a fully qualified form clients may send).
        return host.Length > 1 && host[^1] == '.' ? host[..^1] : host;
    }

    /// <summary>"*.example.com" → "example.com"; null for a name that is not a one-label wildcard.</summary>
    public static string? WildcardSuffix(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return host.StartsWith("*.", StringComparison.Ordinal) && host.Length > 2 ? host[2..] : null;
    }
}
