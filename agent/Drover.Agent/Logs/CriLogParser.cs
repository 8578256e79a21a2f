namespace Drover.Agent.Logs;

/// <summary>
/// The CRI log format (<c>2016-10-06T00:17:09.669794202Z stdout F message</c>): timestamp, stream,
/// tags separated by ':' of which the first is P (partial) or F (full), then the message. Works on the
/// line's UTF-8 bytes as read, so nothing is decoded or copied.
/// </summary>
internal static class CriLogParser
{
    /// <summary>False for a line that is not in the format (the kubelet skips such lines too).</summary>
    public static bool TryParse(ReadOnlySpan<byte> line, out CriLogEntry entry)
    {
        entry = default;
        if (line.Length > 0 && line[^1] == (byte)'\r')
            line = line[..^1];

        var space = line.IndexOf((byte)' ');
        if (space <= 0 || !LooksLikeTimestamp(line[..space]))
            return false;
        var timestamp = line[..space];
        var rest = line[(space + 1)..];

        space = rest.IndexOf((byte)' ');
        if (space <= 0)
            return false;
        CriLogStream stream;
        if (rest[..space].SequenceEqual("stdout"u8))
            stream = CriLogStream.Stdout;
        else if (rest[..space].SequenceEqual("stderr"u8))
            stream = CriLogStream.Stderr;
        else
            return false;
        rest = rest[(space + 1)..];

        // The message may be empty: "... stdout F" (no space) or "... stdout F " both mean an empty line.
        space = rest.IndexOf((byte)' ');
        var tags = space < 0 ? rest : rest[..space];
        var message = space < 0 ? [] : rest[(space + 1)..];
        var colon = tags.IndexOf((byte)':');
        var first = colon < 0 ? tags : tags[..colon];
        bool partial;
        if (first.SequenceEqual("F"u8))
            partial = false;
        else if (first.SequenceEqual("P"u8))
            partial = true;
        else
            return false;

        entry = new CriLogEntry(timestamp, stream, partial, message);
        return true;
    }

    /// <summary>A cheap shape check (YYYY-MM-DDTHH:MM:SS…): enough to tell a log line from garbage without parsing time.</summary>
    private static bool LooksLikeTimestamp(ReadOnlySpan<byte> text) =>
        text.Length >= 20
        && IsDigits(text[..4]) && text[4] == '-' && IsDigits(text.Slice(5, 2)) && text[7] == '-' && IsDigits(text.Slice(8, 2))
        && text[10] == 'T' && IsDigits(text.Slice(11, 2)) && text[13] == ':' && IsDigits(text.Slice(14, 2)) && text[16] == ':'
        && IsDigits(text.Slice(17, 2));

    private static bool IsDigits(ReadOnlySpan<byte> text) => !text.ContainsAnyExceptInRange((byte)'0', (byte)'9');
}
