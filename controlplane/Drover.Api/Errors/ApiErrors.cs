
namespace Drover.Api;

/// <summary>Kubernetes-shaped error Status objects, with the reasons and codes client libraries test for.</summary>
public static class ApiErrors
{
    public static Status NotFound(ResourceType type, string name) =>
        Make(404, "NotFound", $"{type.QualifiedName.Replace(type.Singular, type.Plural, StringComparison.Ordinal)} \"{name}\" not found", Details(type, name));

    public static Status AlreadyExists(ResourceType type, string name) =>
        Make(409, "AlreadyExists", $"{type.QualifiedName.Replace(type.Singular, type.Plural, StringComparison.Ordinal)} \"{name}\" already exists", Details(type, name));

    public static Status Conflict(ResourceType type, string name) =>
        Make(409, "Conflict", $"Operation cannot be fulfilled on {type.Plural} \"{name}\": the object has been modified; please apply your changes to the latest version and try again", Details(type, name));

    public static Status Invalid(ResourceType type, string? name, IReadOnlyList<FieldError> errors)
    {
        var causes = errors.Select(e => new StatusCause { Reason = CauseReason(e.Type), Message = e.ToString(), Field = e.Field }).ToList();
        var message = $"{type.Kind} \"{name}\" is invalid: " + string.Join(", ", errors.Select(e => e.ToString()));
        return Make(422, "Invalid", message, Details(type, name) with { Causes = causes });
    }

    public static Status InvalidManifest(ManifestException e, ResourceType? type = null)
    {
        var details = new StatusDetails
        {
            Kind = type?.Kind,
            Group = type?.Group,
            Causes = [new StatusCause { Reason = e.Field is null ? "FieldValueInvalid" : "FieldValueInvalid", Message = e.Message, Field = e.Field }],
        };
        // A body that cannot be read at all is a bad request; one that reads but names a wrong field is invalid.
        return e.Field is null ? Make(400, "BadRequest", e.Message, details) : Make(422, "Invalid", e.Message, details);
    }

    /// <summary>
    /// Kubernetes' strict decoding error, word for word (a 400, as with fieldValidation=Strict), the field also in
    /// details.causes: "Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica"".
    /// </summary>
    public static Status UnknownField(ResourceType type, string field)
    {
        ArgumentNullException.ThrowIfNull(type);
        var message = $"{type.Kind} in version \"{type.Version}\" cannot be handled as a {type.Kind}: strict decoding error: unknown field \"{field}\"";
        var details = new StatusDetails
        {
            Kind = type.Kind,
            Group = type.Group,
            Causes = [new StatusCause { Reason = "FieldValueInvalid", Message = $"unknown field \"{field}\"", Field = field }],
        };
        return Make(400, "BadRequest", message, details);
    }

    /// <summary>Server-side apply's 409: the message names every conflicting field, and each is a cause (FieldManagerConflict).</summary>
    public static Status ApplyConflict(ResourceType type, string name, string message, IReadOnlyList<(string Manager, string Field)> conflicts)
    {
        ArgumentNullException.ThrowIfNull(conflicts);
        var causes = conflicts.Select(c => new StatusCause { Reason = "FieldManagerConflict", Message = $"conflict with {c.Manager}", Field = c.Field }).ToList();
        return Make(409, "Conflict", message, Details(type, name) with { Causes = causes });
    }

    public static Status BadRequest(string message) => Make(400, "BadRequest", message);
    public static Status NotFound(string message) => Make(404, "NotFound", message);
    public static Status Unauthorized() => Make(401, "Unauthorized", "Unauthorized: a valid bearer token is required");
    public static Status Forbidden(string message) => Make(403, "Forbidden", message);
    public static Status MethodNotAllowed(string method, string what) => Make(405, "MethodNotAllowed", $"the server does not allow {method} on {what}");
    public static Status TooLarge(long limit) => Make(413, "RequestEntityTooLarge", $"the request body is larger than the limit of {limit} bytes");
    public static Status UnsupportedMediaType(string? contentType) => Make(415, "UnsupportedMediaType", $"the body of type \"{contentType}\" is not supported; use application/json, application/yaml or (for PATCH) application/merge-patch+json, application/strategic-merge-patch+json or application/json-patch+json");
    public static Status UnsupportedProtobufKind(string kind, string apiVersion) => Make(415, "UnsupportedMediaType", $"the body of type \"application/vnd.kubernetes.protobuf\" is read for the kinds droverd serves; \"{kind}\" (apiVersion \"{apiVersion}\") is not one: send application/json or application/yaml");
    /// <summary>422 for a request well formed but impossible on this object (a JSON patch test that fails).</summary>
    public static Status Unprocessable(string message) => Make(422, "Invalid", message);
    public static Status Gone(long requested, long compacted) => Make(410, "Expired", $"too old resource version: {requested} ({compacted})");
    public static Status PathNotFound(string path) => Make(404, "NotFound", $"the server could not find the requested resource ({path})");
    public static Status TooManyRequests(string message) => Make(429, "TooManyRequests", message);
    public static Status Internal(string message) => Make(500, "InternalError", message);
    public static Status Unavailable(string message) => Make(503, "ServiceUnavailable", message);

    public static Status Success(ResourceType type, string name, string? uid) =>
        new() { Outcome = "Success", Code = 200, Details = Details(type, name) with { Uid = uid } };

    private static StatusDetails Details(ResourceType type, string? name) => new() { Name = name, Group = type.Group, Kind = type.Plural };

    private static Status Make(int code, string reason, string message, StatusDetails? details = null) =>
        new() { Outcome = "Failure", Code = code, Reason = reason, Message = message, Details = details };

    private static string CauseReason(FieldErrorType type) => type switch
    {
        FieldErrorType.Required => "FieldValueRequired",
        FieldErrorType.NotSupported => "FieldValueNotSupported",
        FieldErrorType.Duplicate => "FieldValueDuplicate",
        FieldErrorType.TooLong => "FieldValueTooLong",
        FieldErrorType.Forbidden => "FieldValueForbidden",
        FieldErrorType.TooMany => "FieldValueTooMany",
        FieldErrorType.NotFound => "FieldValueNotFound",
        _ => "FieldValueInvalid",
    };
}
