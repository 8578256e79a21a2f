using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace Drover.Agent.Logs;

/// <summary>
/// Where to start reading a CRI log file to get its last N lines without reading all of it: walks back
/// from the end over complete file lines, counting full (F) lines, and then over the partial (P) pieces
/// that open the earliest of them. The caller still keeps only the last N decoded lines, so the start
/// may be early but is never late.
/// </summary>
internal static class LogTail
{
    private const int ChunkSize = 16 * 1024;

    /// <summary>Enough of a line's start to hold its timestamp, stream and tag.</summary>
    private const int HeadSize = 64;

    public static long FindStart(SafeFileHandle file, long end, long lines)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentOutOfRangeException.ThrowIfNegative(lines);
        if (lines == 0)
            return end;
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        Span<byte> head = stackalloc byte[HeadSize];
        try
        {
            var full = 0L;
            var countingPartials = false;
            // The end of the line being walked over: a trailing line without '\n' is not complete and not counted.
            var lineEnd = -1L;
            var position = end;
            while (position > 0)
            {
                var size = (int)Math.Min(ChunkSize, position);
                position -= size;
                var read = RandomAccess.Read(file, chunk.AsSpan(0, size), position);
                var data = chunk.AsSpan(0, read);
                for (var i = data.Length - 1; i >= 0; i--)
                {
                    if (data[i] != (byte)'\n')
                        continue;
                    var newline = position + i;
                    if (lineEnd >= 0)
                    {
                        // The complete line (newline, lineEnd] starts right after this newline.
                        var kind = Classify(file, newline + 1, head);
                        if (Stop(kind, ref full, ref countingPartials, lines))
                            return newline + 1;
                    }

                    lineEnd = newline;
                }
            }

            return 0;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>
    /// Decides whether the line just classified is before the start. Once enough full lines are counted,
    /// the partial pieces right before them still belong to the window; anything else ends it.
    /// </summary>
    private static bool Stop(LineKind kind, ref long full, ref bool countingPartials, long lines)
    {
        if (countingPartials)
            return kind != LineKind.Partial;
        if (kind == LineKind.Full && ++full == lines)
            countingPartials = true;
        return false;
    }

    private static LineKind Classify(SafeFileHandle file, long start, Span<byte> head)
    {
        var read = RandomAccess.Read(file, head, start);
        ReadOnlySpan<byte> line = head[..read];
        var newline = line.IndexOf((byte)'\n');
        if (newline >= 0)
            line = line[..newline];
        else if (read == head.Length)
            line = TrimToTag(line);
        if (!CriLogParser.TryParse(line, out var entry))
            return LineKind.Malformed;
        return entry.Partial ? LineKind.Partial : LineKind.Full;
    }

    /// <summary>A long line's head ends mid-message; the fields before it are all the parser needs.</summary>
    private static ReadOnlySpan<byte> TrimToTag(ReadOnlySpan<byte> head)
    {
        var spaces = 0;
        for (var i = 0; i < head.Length; i++)
        {
            if (head[i] == (byte)' ' && ++spaces == 3)
                return head[..i];
        }

        return head;
    }

    private enum LineKind
    {
        Full,
        Partial,
        Malformed,
    }
}
