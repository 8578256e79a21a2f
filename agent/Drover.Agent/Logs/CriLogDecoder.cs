namespace Drover.Agent.Logs;

/// <summary>
/// Turns the lines of a CRI log file into the lines the container wrote: partial (P) pieces are joined,
/// per stream, until the stream's full (F) line; malformed lines are skipped and counted. With
/// <see cref="Timestamps"/>, a joined line carries the timestamp of its first piece, as the kubelet prints it.
/// </summary>
internal sealed class CriLogDecoder
{
    /// <summary>A line the runtime keeps splitting without ever finishing is cut here rather than grow without bound.</summary>
    public const int MaxJoinedLength = 1 << 20;

    private readonly Pending[] _pending = [new(), new()];

    public CriLogDecoder(bool timestamps) => Timestamps = timestamps;

    public bool Timestamps { get; }

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
        if (entry.Partial)
        {
            if (pending.Buffer.Count == 0 && Timestamps)
            {
                pending.Buffer.AddRange(entry.Timestamp);
                pending.Buffer.Add((byte)' ');
            }

            pending.Buffer.AddRange(entry.Message);
            if (pending.Buffer.Count < MaxJoinedLength)
                return null;
            return pending.Take();
        }

        if (pending.Buffer.Count > 0)
        {
            pending.Buffer.AddRange(entry.Message);
            return pending.Take();
        }

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
            pending.Buffer.Clear();
    }

    private sealed class Pending
    {
        public List<byte> Buffer { get; } = [];

        public byte[] Take()
        {
            Buffer.Add((byte)'\n');
            var line = Buffer.ToArray();
            Buffer.Clear();
            return line;
        }
    }
}
