namespace Drover.Agent.Logs;

/// <summary>One line of a CRI log file, split into its fields; the spans point into the line read.</summary>
internal readonly ref struct CriLogEntry
{
    public CriLogEntry(ReadOnlySpan<byte> timestamp, CriLogStream stream, bool partial, ReadOnlySpan<byte> message)
    {
        Timestamp = timestamp;
        Stream = stream;
        Partial = partial;
        Message = message;
    }

    /// <summary>RFC 3339 with nanoseconds, as the runtime wrote it (kept as text: it is printed as is).</summary>
    public ReadOnlySpan<byte> Timestamp { get; }

    public CriLogStream Stream { get; }

    /// <summary>Tag P: the runtime split a long line; the message continues in the next line of this stream.</summary>
    public bool Partial { get; }

    public ReadOnlySpan<byte> Message { get; }
}

internal enum CriLogStream
{
    Stdout,
    Stderr,
}
