namespace Drover.Api.Client;

/// <summary>droverd answered with an error Status (or could not be reached).</summary>
public sealed class ApiClientException : Exception
{
    public ApiClientException(Status status)
        : base(status.Message)
    {
        Status = status;
    }

    public ApiClientException() : this(new Status()) { }
    public ApiClientException(string message) : this(new Status { Message = message }) { }
    public ApiClientException(string message, Exception innerException) : base(message, innerException) => Status = new Status { Message = message };

    public Status Status { get; }
    public int Code => Status.Code;
    public string? Reason => Status.Reason;
}
