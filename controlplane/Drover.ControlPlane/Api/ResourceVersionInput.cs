using System.Globalization;
using Drover.Api;

namespace Drover.ControlPlane.Api;

/// <summary>
/// A resourceVersion sent by a client, read as Kubernetes' etcd3 versioner reads it (strconv.ParseUint,
/// base 10): decimal digits that fit 64 bits, "0" or empty meaning "no precondition". Anything else —
/// "abc", "-5", 30 digits — is refused; it used to read as 0, so a PUT or PATCH silently lost its
/// optimistic-concurrency check.
/// </summary>
public static class ResourceVersionInput
{
    public const string Expected = "must be a resourceVersion read from this server (decimal digits)";

    public static bool TryParse(string text, out long revision) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out revision);

    /// <summary>A 422 naming <c>metadata.resourceVersion</c> when <paramref name="obj"/> carries a malformed one.</summary>
    public static void Validate(ResourceType type, KubeObject obj)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(obj);
        var text = obj.Metadata.ResourceVersion;
        if (string.IsNullOrEmpty(text) || TryParse(text, out _))
            return;
        var shown = text.Length <= 64 ? text : text[..64] + "…";
        throw new ApiException(ApiErrors.Invalid(type, obj.Metadata.Name,
            [new FieldError("metadata.resourceVersion", FieldErrorType.Invalid, $"\"{shown}\"", Expected)]));
    }
}
