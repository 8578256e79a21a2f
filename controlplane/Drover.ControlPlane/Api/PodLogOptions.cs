using System.Globalization;
using Drover.Api;

namespace Drover.ControlPlane.Api;

/// <summary>
/// The query of <c>GET …/pods/NAME/log</c>, Kubernetes' PodLogOptions: container, follow, previous,
/// timestamps, tailLines, sinceSeconds, sinceTime, limitBytes, checked as ValidatePodLogOptions checks them.
/// An option Kubernetes has and Drover does not honour (stream) is refused rather than ignored.
/// </summary>
public sealed record PodLogOptions
{
    private static readonly string[] Unsupported = ["stream"];

    public string? Container { get; init; }
    public bool Follow { get; init; }
    public bool Previous { get; init; }
    public bool Timestamps { get; init; }
    public long? TailLines { get; init; }

    /// <summary>Lines the container wrote in the last N seconds (counted by the agent, as the kubelet counts them).</summary>
    public long? SinceSeconds { get; init; }

    /// <summary>Lines the container wrote at or after this time.</summary>
    public DateTimeOffset? SinceTime { get; init; }

    /// <summary>The stream ends after this many bytes of log (a line may be cut).</summary>
    public long? LimitBytes { get; init; }

    /// <summary>Parses and validates; a bad value is a 400 Status naming the parameter and the value.</summary>
    public static PodLogOptions Parse(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        foreach (var name in Unsupported)
        {
            if (query.ContainsKey(name))
                throw Bad(name, query[name].ToString(), "is not supported by Drover");
        }

        var options = new PodLogOptions
        {
            Container = Single(query, "container") is { Length: > 0 } container ? container : null,
            Follow = Bool(query, "follow"),
            Previous = Bool(query, "previous"),
            Timestamps = Bool(query, "timestamps"),
            TailLines = Tail(query),
            SinceSeconds = AtLeastOne(query, "sinceSeconds"),
            SinceTime = Time(query, "sinceTime"),
            LimitBytes = AtLeastOne(query, "limitBytes"),
        };
        if (options.SinceSeconds is not null && options.SinceTime is not null)
        {
            var error = new FieldError("", FieldErrorType.Forbidden, null, "at most one of `sinceTime` or `sinceSeconds` may be specified");
            throw new ApiException(ApiErrors.BadRequest(error.ToString()));
        }
        return options;
    }

    /// <summary>A whole number of 1 or more (ValidatePodLogOptions: "must be greater than 0").</summary>
    private static long? AtLeastOne(IQueryCollection query, string name)
    {
        if (Single(query, name) is not { } text)
            return null;
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            throw Bad(name, text, "must be a whole number");
        return value >= 1 ? value : throw Bad(name, text, "must be greater than 0");
    }

    /// <summary>metav1.Time in a query: RFC 3339 (Go's time.RFC3339, fractions of a second allowed).</summary>
    private static DateTimeOffset? Time(IQueryCollection query, string name)
    {
        if (Single(query, name) is not { } text)
            return null;
        return Rfc3339.TryParse(text, out var time) ? time : throw Bad(name, text, "must be an RFC 3339 time, e.g. 2026-01-02T15:04:05Z");
    }

    private static string? Single(IQueryCollection query, string name)
    {
        var values = query[name];
        if (values.Count > 1)
            throw Bad(name, string.Join(",", values.ToArray()), "may be given once");
        return values.Count == 0 ? null : values[0];
    }

    /// <summary>Go's strconv.ParseBool, as Kubernetes decodes query booleans; an empty value (<c>?follow</c>) is true.</summary>
    private static bool Bool(IQueryCollection query, string name) => Single(query, name) switch
    {
        null => false,
        "" or "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
        "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
        var other => throw Bad(name, other, "must be true or false"),
    };

    private static long? Tail(IQueryCollection query)
    {
        if (Single(query, "tailLines") is not { } text)
            return null;
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var lines))
            throw Bad("tailLines", text, "must be a whole number");
        if (lines < 0)
            throw Bad("tailLines", text, "must be greater than or equal to 0");
        return lines;
    }

    private static ApiException Bad(string parameter, string value, string detail)
    {
        var error = new FieldError(parameter, FieldErrorType.Invalid, $"\"{value}\"", detail);
        return new ApiException(ApiErrors.BadRequest(error.ToString()) with
        {
            Details = new StatusDetails { Kind = "PodLogOptions", Causes = [new StatusCause { Reason = "FieldValueInvalid", Message = error.ToString(), Field = parameter }] },
        });
    }
}
