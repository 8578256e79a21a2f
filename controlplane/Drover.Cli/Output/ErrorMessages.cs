using Drover.Api;
using Drover.Api.Client;

namespace Drover.Cli.Output;

/// <summary>Turns API failures into the lines kubectl prints, so scripts and muscle memory carry over.</summary>
internal static class ErrorMessages
{
    /// <summary>"Error from server (NotFound): ..." or, when the server was never reached, "error: cannot reach ...".</summary>
    public static string FromServer(ApiClientException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Code == 0)
            return "error: " + e.Message;
        var reason = string.IsNullOrEmpty(e.Reason) ? "Unknown" : e.Reason;
        return $"Error from server ({reason}): {e.Message}";
    }

    /// <summary>
    /// An apply/create failure for one object: Invalid is rewritten as `deployment.apps "x" is invalid: causes`
    /// (the form the brief and kubectl users expect), anything else keeps the server's reason.
    /// </summary>
    public static string ForObject(string source, ResourceType type, string? name, ApiClientException e)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(e);
        if (e.Code == 0)
            return "error: " + e.Message;
        if (e.Reason == "Invalid")
            return $"error: {source}: {type.QualifiedName} \"{name}\" is invalid: {Causes(e.Status)}";
        return $"error: {source}: {FromServer(e)}";
    }

    private static string Causes(Status status)
    {
        var causes = status.Details?.Causes;
        if (causes is not { Count: > 0 })
        {
            // The server's own message already reads `Kind "name" is invalid: ...`; keep only what follows.
            var message = status.Message ?? "";
            var cut = message.IndexOf(" is invalid: ", StringComparison.Ordinal);
            return cut < 0 ? message : message[(cut + " is invalid: ".Length)..];
        }
        return string.Join(", ", causes.Select(Describe));
    }

    private static string Describe(StatusCause cause)
    {
        var message = cause.Message ?? "";
        // Causes built from field errors already start with their field; do not repeat it.
        if (string.IsNullOrEmpty(cause.Field) || message.StartsWith(cause.Field, StringComparison.Ordinal))
            return message;
        return cause.Field + ": " + message;
    }
}
