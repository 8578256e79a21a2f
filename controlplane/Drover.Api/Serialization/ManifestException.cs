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

    /// <summary>The <see cref="InputLimits"/> member the input went past, when that is the failure.</summary>
    public string? Limit { get; init; }

    /// <summary>A field the kind does not have (Kubernetes' strict decoding error, a 400 from the API).</summary>
    public bool UnknownField { get; init; }

    /// <summary>The input is refused for its size (HTTP 413) rather than its shape.</summary>
    public bool TooLarge { get; init; }

    /// <summary>A refusal for going past <paramref name="limit"/> (named in the message, as the user reads it).</summary>
    public static ManifestException LimitExceeded(string limit, string message, long? line = null, long? column = null, bool tooLarge = false) =>
        new(message, null, line, column) { Limit = limit, TooLarge = tooLarge };
}
