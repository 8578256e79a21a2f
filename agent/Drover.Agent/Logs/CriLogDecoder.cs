using Drover.Api;

namespace Drover.Agent.Logs;

/// <summary>
/// Turns the lines of a CRI log file into the lines the container wrote: partial (P) pieces are joined,
/// per stream, until the stream's full (F) line; malformed lines are skipped and counted. With
/// <see cref="Timestamps"/>, a joined line carries the timestamp of its first piece, as the kubelet prints it. With
/// <see cref="Since"/>, a line whose first piece was written before it is dropped (the kubelet's sinceSeconds/sinceTime).
/// </summary>
internal sealed class CriLogDecoder
{
    /// <summary>A line the runtime keeps splitting without ever finishing is cut here rather than grow without bound.</summary>
    public const int MaxJoinedLength = 1 << 20;

    private readonly Pending[] _pending = [new(), new()];

    public CriLogDecoder(bool timestamps, DateTimeOffset? since = null)
    {
        Timestamps = timestamps;
        Since = since;
    }

    public bool Timestamps { get; }

    /// <summary>Null: every line.</summary>
    public DateTimeOffset? Since { get; }

    /// <summary>File lines that were not in the CRI format.</summary>
    public long Skipped { get; private set; }

    /// <summary>
    /// Decodes one line of the file (without its '\n'). Returns the container's line, '\n'-terminated and
    /// prefixed with its timestamp when asked, or null when the line was partial or malformed.
    /// </summary>
    public byte[]? Decode(ReadOnlySpan<byte> fileLine)
    {
        if (!CriLogParser.TryParse(fileLine, out var entry))
        {
            Skipped++;
            return null;
        }

        var pending = _pending[(int)entry.Stream];
        var first = pending.Buffer.Count == 0 && !pending.Dropping;
        if (entry.Partial)
        {
            if (first)
            {
                pending.Dropping = IsBeforeSince(entry.Timestamp);
                if (Timestamps && !pending.Dropping)
                {
                    pending.Buffer.AddRange(entry.Timestamp);
                    pending.Buffer.Add((byte)' ');
                }
            }

            if (!pending.Dropping)
                pending.Buffer.AddRange(entry.Message);
            if (pending.Buffer.Count < MaxJoinedLength)
                return null;
            return pending.Take();
        }

        if (!first)
        {
            if (pending.Dropping)
            {
                pending.Dropping = false;
                return null;
            }
            pending.Buffer.AddRange(entry.Message);
            return pending.Take();
        }

        if (IsBeforeSince(entry.Timestamp))
            return null;

        var prefix = Timestamps ? entry.Timestamp.Length + 1 : 0;
        var line = new byte[prefix + entry.Message.Length + 1];
        if (Timestamps)
        {
            entry.Timestamp.CopyTo(line);
            line[entry.Timestamp.Length] = (byte)' ';
        }

        entry.Message.CopyTo(line.AsSpan(prefix));
        line[^1] = (byte)'\n';
        return line;
    }

    /// <summary>Forgets unfinished partial lines (the file was replaced: their ends are not coming).</summary>
    public void Reset()
    {
        foreach (var pending in _pending)
        {
            pending.Buffer.Clear();
            pending.Dropping = false;
        }
    }

    /// <summary>
    /// Whether a line stamped <paramref name="timestamp"/> is older than <see cref="Since"/>; a stamp that does not
    /// parse is kept (the kubelet would have failed the whole request; a line is the smaller loss).
    /// </summary>
    private bool IsBeforeSince(ReadOnlySpan<byte> timestamp)
    {
        if (Since is not { } since || timestamp.Length > Rfc3339.MaxLength)
            return false;
        Span<char> text = stackalloc char[timestamp.Length];
        for (var i = 0; i < timestamp.Length; i++)
            text[i] = (char)timestamp[i];
        return Rfc3339.TryParse(text, out var written) && written < since;
    }

    private sealed class Pending
    {
        public List<byte> Buffer { get; } = [];

        /// <summary>The line being joined began before <see cref="Since"/>: its pieces are dropped until its end.</summary>
        public bool Dropping { get; set; }

        public byte[] Take()
        {
            Buffer.Add((byte)'\n');
            var line = Buffer.ToArray();
            Buffer.Clear();
            return line;
        }
    }
}
