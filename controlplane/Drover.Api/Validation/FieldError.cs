namespace Drover.Api;

/// <summary>
/// One validation failure, addressed by its Kubernetes field path (e.g.
/// <c>spec.template.spec.containers[0].resources.requests.cpu</c>).
/// </summary>
/// <param name="Value">
/// The offending value already rendered the way Kubernetes prints it: strings quoted (<c>"2"</c>),
/// numbers bare (<c>-1</c>); null when the error type prints no value.
/// </param>
public sealed record FieldError(string Field, FieldErrorType Type, string? Value, string Detail)
{
    /// <summary>Kubernetes' <c>field.Error.Error()</c> form, so messages read like the API server's.</summary>
    public override string ToString()
    {
        var body = Type switch
        {
            FieldErrorType.Required => "Required value",
            FieldErrorType.Forbidden => "Forbidden",
            FieldErrorType.TooLong => "Too long",
            _ when Value is null => TypeName(Type),
            _ => TypeName(Type) + ": " + Value,
        };
        if (Detail.Length > 0)
            body += ": " + Detail;
        return Field.Length == 0 ? body : Field + ": " + body;
    }

    private static string TypeName(FieldErrorType type) => type switch
    {
        FieldErrorType.Required => "Required value",
        FieldErrorType.Invalid => "Invalid value",
        FieldErrorType.NotSupported => "Unsupported value",
        FieldErrorType.Duplicate => "Duplicate value",
        FieldErrorType.TooLong => "Too long",
        FieldErrorType.Forbidden => "Forbidden",
        FieldErrorType.TooMany => "Too many",
        FieldErrorType.NotFound => "Not found",
        _ => type.ToString(),
    };
}
