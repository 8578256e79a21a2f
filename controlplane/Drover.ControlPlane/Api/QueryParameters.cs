using System.Globalization;
using Drover.Api;

namespace Drover.ControlPlane.Api;

/// <summary>
/// Query parameters read strictly, as the Kubernetes API server's conversion reads them: given at most once,
/// within <see cref="InputLimits.MaxQueryValueLength"/>, booleans as Go's strconv.ParseBool, numbers as
/// decimal digits only (no sign, no spaces, no overflow). A bad value is a 400 naming the parameter and the
/// value, never silently ignored.
/// </summary>
public static class QueryParameters
{
    /// <summary>The one value of <paramref name="name"/>, or null when absent.</summary>
    public static string? Single(IQueryCollection query, string name)
    {
        ArgumentNullException.ThrowIfNull(query);
        var values = query[name];
        if (values.Count > 1)
            throw Bad(name, string.Join(",", values.ToArray()), "may be given once");
        if (values.Count == 0)
            return null;
        var value = values[0] ?? "";
        if (value.Length > InputLimits.MaxQueryValueLength)
            throw Bad(name, value[..64] + "…", $"is longer than the limit MaxQueryValueLength = {InputLimits.MaxQueryValueLength}");
        if (value.AsSpan().ContainsAnyInRange('\0', '\u001f'))
            throw Bad(name, value, "must not hold control characters");
        return value;
    }

    /// <summary>Go's strconv.ParseBool; an empty value (<c>?watch</c>) is true.</summary>
    public static bool Bool(IQueryCollection query, string name) => Single(query, name) switch
    {
        null => false,
        var value => ParseBool(value) ?? throw Bad(name, value, "must be true or false"),
    };

    /// <summary>dryRun=All (the only value Kubernetes knows): check and answer, write nothing.</summary>
    public static bool DryRun(IQueryCollection query) => Single(query, "dryRun") switch
    {
        null or "" => false,
        "All" => true,
        var value => throw Bad("dryRun", value, "supported values: \"All\""),
    };

    /// <summary>
    /// fieldValidation=Strict|Warn|Ignore, as kubectl's --validate=strict|warn|false sends it. Absent is Strict: Drover
    /// refuses unknown fields unless asked otherwise (Kubernetes defaults to Warn; a typo in an edge manifest that is
    /// silently dropped is worse than a refusal).
    /// </summary>
    public static FieldValidationMode FieldValidation(IQueryCollection query) => Single(query, "fieldValidation") switch
    {
        null or "" or "Strict" => FieldValidationMode.Strict,
        "Warn" => FieldValidationMode.Warn,
        "Ignore" => FieldValidationMode.Ignore,
        var value => throw Bad("fieldValidation", value, "supported values: \"Ignore\", \"Warn\", \"Strict\""),
    };

    public static bool? ParseBool(string value) => value switch
    {
        "" or "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
        "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
        _ => null,
    };

    /// <summary>A whole number from 0 to <paramref name="max"/>, or null when absent.</summary>
    public static long? NonNegative(IQueryCollection query, string name, long max)
    {
        if (Single(query, name) is not { } text)
            return null;
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            throw Bad(name, text, "must be a whole number, 0 or more, written in decimal digits");
        if (value > max)
            throw Bad(name, text, $"must be at most {max.ToString(CultureInfo.InvariantCulture)}");
        return value;
    }

    /// <summary><c>?resourceVersion=</c>: absent or empty is null; otherwise a revision of this server.</summary>
    public static long? ResourceVersion(IQueryCollection query)
    {
        var text = Single(query, "resourceVersion");
        if (string.IsNullOrEmpty(text))
            return null;
        return ResourceVersionInput.TryParse(text, out var revision)
            ? revision
            : throw Bad("resourceVersion", text, ResourceVersionInput.Expected);
    }

    public static ApiException Bad(string parameter, string value, string detail)
    {
        var error = new FieldError(parameter, FieldErrorType.Invalid, $"\"{value}\"", detail);
        return new ApiException(ApiErrors.BadRequest(error.ToString()) with
        {
            Details = new StatusDetails { Causes = [new StatusCause { Reason = "FieldValueInvalid", Message = error.ToString(), Field = parameter }] },
        });
    }
}
