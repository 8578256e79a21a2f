using System.Globalization;
using System.Text;

namespace Drover.Agent.Logs;

/// <summary>
/// Just enough HTTP/1.1 for the log and metrics endpoints: one GET per connection, answered with a whole body
/// (an error, a scrape) or a chunked body that is flushed as it is written, then the connection closes. Kestrel would be
/// megabytes on a binary that must stay small.
/// </summary>
internal static class HttpWire
{
    /// <summary>A request head larger than this is refused (the log request is one short line).</summary>
    public const int MaxHeadBytes = 8 * 1024;

    private static readonly byte[] ChunkedHead =
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nTransfer-Encoding: chunked\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n"u8.ToArray();

    private static readonly byte[] LastChunk = "0\r\n\r\n"u8.ToArray();

    /// <summary>Reads up to the blank line; returns the method and target, or null when the peer closed first.</summary>
    public static async Task<(string Method, string Target)?> ReadRequestLineAsync(Stream stream, CancellationToken ct) =>
        await ReadRequestHeadAsync(stream, ct).ConfigureAwait(false) is { } head ? (head.Method, head.Target) : null;

    /// <summary>
    /// Reads the request head (up to the blank line, at most <see cref="MaxHeadBytes"/>); null when the peer closed first.
    /// Reads one byte at a time past the first read so nothing after the head (an upgraded protocol's first bytes) is swallowed.
    /// </summary>
    public static async Task<HttpRequestHead?> ReadRequestHeadAsync(Stream stream, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new byte[MaxHeadBytes];
        var filled = 0;
        while (true)
        {
            if (filled == buffer.Length)
                throw new LogRequestException(431, "request head too large");
            var read = await stream.ReadAsync(buffer.AsMemory(filled, 1), ct).ConfigureAwait(false);
            if (read == 0)
                return null;
            filled += read;
            if (filled >= 4 && buffer.AsSpan(filled - 4, 4).SequenceEqual("\r\n\r\n"u8))
                return HttpRequestHead.Parse(buffer.AsSpan(0, filled - 4));
        }
    }

    public static Task WriteErrorAsync(Stream stream, int status, string message, CancellationToken ct) =>
        WriteAsync(stream, status, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(message + "\n"), headOnly: false, ct);

    /// <summary>A whole answer with a Content-Length (the metrics endpoint's too); <paramref name="headOnly"/> for HEAD.</summary>
    public static Task WriteAsync(Stream stream, int status, string contentType, byte[] body, bool headOnly, CancellationToken ct) =>
        WriteAsync(stream, status, contentType, "", body, headOnly, ct);

    /// <summary>As the one above, with <paramref name="headers"/> ("Name: value\r\n" lines) after the content type.</summary>
    public static async Task WriteAsync(Stream stream, int status, string contentType, string headers, byte[] body, bool headOnly, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(body);
        var head = string.Create(CultureInfo.InvariantCulture,
            $"HTTP/1.1 {status} {Reason(status)}\r\nContent-Type: {contentType}\r\n{headers}Content-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), ct).ConfigureAwait(false);
        if (!headOnly)
            await stream.WriteAsync(body, ct).ConfigureAwait(false);
        await stream.FlushAsync(ct).ConfigureAwait(false);
    }

    public static async Task WriteChunkedHeadAsync(Stream stream, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stream);
        await stream.WriteAsync(ChunkedHead, ct).ConfigureAwait(false);
        await stream.FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// One chunk in one write (one TLS record, not three), flushed: a followed line reaches droverd as
    /// soon as it is read.
    /// </summary>
    public static async ValueTask WriteChunkAsync(Stream stream, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (data.IsEmpty)
            return;
        var size = Encoding.ASCII.GetBytes(data.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n");
        var chunk = new byte[size.Length + data.Length + 2];
        size.CopyTo(chunk, 0);
        data.Span.CopyTo(chunk.AsSpan(size.Length));
        chunk[^2] = (byte)'\r';
        chunk[^1] = (byte)'\n';
        await stream.WriteAsync(chunk, ct).ConfigureAwait(false);
        await stream.FlushAsync(ct).ConfigureAwait(false);
    }

    public static async Task WriteLastChunkAsync(Stream stream, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stream);
        await stream.WriteAsync(LastChunk, ct).ConfigureAwait(false);
        await stream.FlushAsync(ct).ConfigureAwait(false);
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        429 => "Too Many Requests",
        408 => "Request Timeout",
        431 => "Request Header Fields Too Large",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Internal Server Error",
    };
}
