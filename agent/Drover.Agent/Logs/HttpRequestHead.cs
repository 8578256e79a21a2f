using System.Text;

namespace Drover.Agent.Logs;

/// <summary>
/// An HTTP/1.1 request head as the agent's endpoint reads it: method, target and the header fields in order
/// (names as sent; repeated names kept, X-Stream-Protocol-Version comes once per protocol).
/// </summary>
internal sealed record HttpRequestHead(string Method, string Target, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    /// <summary>More header fields than this is not a request droverd sends.</summary>
    public const int MaxHeaders = 64;

    /// <summary>The values of every field named <paramref name="name"/> (case-insensitive), comma-separated lists split.</summary>
    public IEnumerable<string> Values(string name) =>
        Headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase))
            .SelectMany(h => h.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>The head without its final blank line; throws <see cref="LogRequestException"/> (400) on anything malformed.</summary>
    public static HttpRequestHead Parse(ReadOnlySpan<byte> head)
    {
        if (ContainsControl(head))
            throw new LogRequestException(400, "request head has control or non-ASCII bytes");
        var text = Encoding.ASCII.GetString(head);
        var lines = text.Split("\r\n");
        var parts = lines[0].Split(' ');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
            throw new LogRequestException(400, "malformed request line");
        if (lines.Length - 1 > MaxHeaders)
            throw new LogRequestException(431, $"more than {MaxHeaders} header fields");
        var headers = new List<KeyValuePair<string, string>>(lines.Length - 1);
        foreach (var line in lines.AsSpan(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || line.AsSpan(0, colon).ContainsAny(" \t"))
                throw new LogRequestException(400, "malformed header field");
            headers.Add(new(line[..colon], line[(colon + 1)..].Trim()));
        }

        return new HttpRequestHead(parts[0], parts[1], headers);
    }

    private static bool ContainsControl(ReadOnlySpan<byte> head)
    {
        foreach (var b in head)
        {
            if (b is (< 0x20 and not (byte)'\r' and not (byte)'\n' and not (byte)'\t') or >= 0x7f)
                return true;
        }
        return false;
    }
}
