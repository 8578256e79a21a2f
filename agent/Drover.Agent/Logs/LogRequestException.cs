namespace Drover.Agent.Logs;

/// <summary>A log request the agent answers with an error status; the message is the plain-text body.</summary>
internal sealed class LogRequestException : Exception
{
    public LogRequestException() { }

    public LogRequestException(string message) : base(message) => StatusCode = 400;

    public LogRequestException(string message, Exception innerException) : base(message, innerException) => StatusCode = 400;

    public LogRequestException(int statusCode, string message) : base(message) => StatusCode = statusCode;

    public int StatusCode { get; } = 500;
}
