namespace Drover.Api;

/// <summary>
/// A manifest or request body that cannot be read. Carries the field path and, when known, the
/// line and column, so that callers can name exactly what the user has to fix.
/// </summary>
public sealed class ManifestException : Exception
{
    public ManifestException(string message, string? field = null, long? line = null, long? column = null, Exception? inner = null)
        : base(message, inner)
    {
        Field = field;
        Line = line;
        Column = column;
    }

    public ManifestException()
    {
    }

    public ManifestException(string message)
        : base(message)
    {
    }

    public ManifestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public string? Field { get; }
    public long? Line { get; }
    public long? Column { get; }
}
