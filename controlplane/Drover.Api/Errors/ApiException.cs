namespace Drover.Api;

/// <summary>An API failure that is the client's to fix or to retry; becomes a Kubernetes Status response.</summary>
public sealed class ApiException : Exception
{
    public ApiException(Status status)
        : base(status.Message)
    {
        Status = status;
    }

    public ApiException(Status status, Exception innerException)
        : base(status?.Message, innerException)
    {
        ArgumentNullException.ThrowIfNull(status);
        Status = status;
    }

    public ApiException()
        : this(ApiErrors.Internal("unknown error"))
    {
    }

    public ApiException(string message)
        : this(ApiErrors.BadRequest(message))
    {
    }

    public ApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Status = ApiErrors.BadRequest(message);
    }

    public Status Status { get; }
}
