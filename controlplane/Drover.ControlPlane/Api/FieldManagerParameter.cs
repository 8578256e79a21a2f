using System.Globalization;
using System.Text;
using Drover.Api;
using Drover.Api.Patching;

namespace Drover.ControlPlane.Api;

/// <summary>
/// Who a write is recorded as in managedFields, as the Kubernetes API server decides it: <c>?fieldManager=</c>
/// (kubectl sends kubectl-edit, kubectl-patch, kubectl-client-side-apply…), else the User-Agent up to its first '/'
/// (<c>kubectl/v1.32.4 (linux/amd64) …</c> is "kubectl"), its unprintable characters dropped, at most 128 bytes.
/// </summary>
internal static class FieldManagerParameter
{
    /// <summary>Kubernetes' bound on a field manager's name.</summary>
    public const int MaxLength = 128;

    /// <summary>The request's manager for a non-apply write through <paramref name="subresource"/> (null: the object itself).</summary>
    public static FieldManager ForUpdate(HttpRequest request, string? subresource = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = Validated(QueryParameters.Single(request.Query, "fieldManager"));
        return new FieldManager(string.IsNullOrEmpty(name) ? FromUserAgent(request.Headers.UserAgent.ToString()) : name, subresource);
    }

    /// <summary>The apply request's manager: required, as in Kubernetes.</summary>
    public static string ForApply(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = Validated(QueryParameters.Single(request.Query, "fieldManager"));
        if (string.IsNullOrEmpty(name))
            throw new ApiException(ApiErrors.BadRequest("PATCH with apply must have a fieldManager: fieldManager: Required value: is required for apply patch"));
        return name;
    }

    private static string? Validated(string? name)
    {
        if (name is null)
            return null;
        if (Encoding.UTF8.GetByteCount(name) > MaxLength)
            throw new ApiException(ApiErrors.BadRequest($"fieldManager: Too long: may not be more than {MaxLength} bytes"));
        if (name.EnumerateRunes().Any(r => !IsPrintable(r)))
            throw new ApiException(ApiErrors.BadRequest($"fieldManager: Invalid value: \"{Printable(name)}\": must only contain printable characters"));
        return name;
    }

    private static string FromUserAgent(string userAgent)
    {
        var product = userAgent.Split('/', 2)[0];
        var sb = new StringBuilder();
        var bytes = 0;
        foreach (var rune in product.EnumerateRunes())
        {
            if (!IsPrintable(rune))
                continue;
            if (bytes + rune.Utf8SequenceLength > MaxLength)
                break;
            bytes += rune.Utf8SequenceLength;
            sb.Append(rune.ToString());
        }
        return sb.ToString();
    }

    /// <summary>Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.</summary>
    private static bool IsPrintable(Rune rune) => rune.Value == ' ' || Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
            or UnicodeCategory.OtherNotAssigned or UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator => false,
        _ => true,
    };

    private static string Printable(string name) => string.Concat(name.EnumerateRunes().Select(r => IsPrintable(r) ? r.ToString() : "\\u" + r.Value.ToString("x4", CultureInfo.InvariantCulture)));
}
