using Grpc.Core;

namespace Drover.Agent.Cri;

/// <summary>A CRI call failed: the runtime answered with an error, timed out, or could not be reached.</summary>
public sealed class CriException : Exception
{
    public CriException(string operation, StatusCode statusCode, string runtimeMessage, Exception? innerException = null)
        : base(FormatMessage(operation, statusCode, runtimeMessage), innerException)
    {
        Operation = operation;
        StatusCode = statusCode;
        RuntimeMessage = runtimeMessage;
    }

    /// <summary>The CRI method, e.g. "RunPodSandbox".</summary>
    public string Operation { get; }

    /// <summary>The gRPC status code (NotFound, DeadlineExceeded, Unavailable…).</summary>
    public StatusCode StatusCode { get; }

    /// <summary>The runtime's own message (gRPC status detail), shown to users as is (e.g. in ErrImagePull).</summary>
    public string RuntimeMessage { get; }

    /// <summary>True when the object the call names does not exist (any more).</summary>
    public bool IsNotFound => StatusCode == StatusCode.NotFound;

    /// <summary>True when the runtime could not be reached at all (socket missing, containerd restarting).</summary>
    public bool IsUnavailable => StatusCode == StatusCode.Unavailable;

    private static string FormatMessage(string operation, StatusCode statusCode, string runtimeMessage) =>
        $"CRI {operation} failed ({statusCode}): {runtimeMessage}";
}
