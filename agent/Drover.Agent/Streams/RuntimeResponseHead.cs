using System.Globalization;
using System.Text;
using Drover.Agent.Logs;

namespace Drover.Agent.Streams;

/// <summary>The runtime streaming server's answer to an upgrade: its status code and the head's exact bytes (passed on as is).</summary>
internal sealed record RuntimeResponseHead(int StatusCode, byte[] Raw)
{
    /// <summary>
    /// Reads up to the blank line, a byte at a time so the upgraded protocol's first bytes stay in the stream;
    /// a head over <see cref="HttpWire.MaxHeadBytes"/> or without a status line throws <see cref="LogRequestException"/>.
    /// </summary>
    public static async Task<RuntimeResponseHead> ReadAsync(Stream stream, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new byte[HttpWire.MaxHeadBytes];
        var filled = 0;
        while (filled < buffer.Length)
        {
            if (await stream.ReadAsync(buffer.AsMemory(filled, 1), ct).ConfigureAwait(false) == 0)
                throw new LogRequestException(502, "the streaming server closed the connection before answering");
            filled++;
            if (filled >= 4 && buffer.AsSpan(filled - 4, 4).SequenceEqual("\r\n\r\n"u8))
                return Parse(buffer.AsSpan(0, filled));
        }

        throw new LogRequestException(502, "the streaming server's answer head is too large");
    }

    internal static RuntimeResponseHead Parse(ReadOnlySpan<byte> head)
    {
        // "HTTP/1.1 101 Switching Protocols"
        var line = head.IndexOf("\r\n"u8);
        var text = Encoding.ASCII.GetString(head[..(line < 0 ? head.Length : line)]);
        var parts = text.Split(' ', 3);
        if (parts.Length < 2 || !parts[0].StartsWith("HTTP/1.", StringComparison.Ordinal)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status) || status is < 100 or > 599)
            throw new LogRequestException(502, "the streaming server's answer has no valid status line");
        return new RuntimeResponseHead(status, head.ToArray());
    }
}
