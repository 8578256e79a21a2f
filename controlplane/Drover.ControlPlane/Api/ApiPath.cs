using Drover.Api;
using Drover.ControlPlane.Auth;

namespace Drover.ControlPlane.Api;

/// <summary>
/// A parsed Kubernetes resource path: /api/v1/[namespaces/NS/]PLURAL[/NAME[/SUB]] or
/// /apis/GROUP/VERSION/[namespaces/NS/]PLURAL[/NAME[/SUB]].
/// </summary>
public sealed record ApiPath(ResourceType Type, string? Namespace, string? Name, string? Subresource)
{
    public bool IsCollection => Name is null;

    /// <summary>What the authorizer needs of this request: the path, and the field selector of a list or watch.</summary>
    public ResourceAttributes Attributes(IQueryCollection query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return new ResourceAttributes(Type, Namespace, Name, Subresource, query["fieldSelector"].ToString());
    }

    /// <summary>
    /// Null when the path names no resource this server knows. <paramref name="path"/> is decoded once
    /// already (Kestrel's <c>Request.Path</c>); it is not decoded again, so <c>a%2500b</c> names "a%00b" and
    /// is refused below rather than becoming a NUL. A namespace or name that cannot be a path segment (as
    /// Kubernetes' IsValidPathSegmentName, plus control characters) is a 400.
    /// </summary>
    public static ApiPath? Parse(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        int rest;
        string group, version;
        if (segments.Length >= 3 && segments[0] == "api")
        {
            (group, version, rest) = ("", segments[1], 2);
        }
        else if (segments.Length >= 4 && segments[0] == "apis")
        {
            (group, version, rest) = (segments[1], segments[2], 3);
        }
        else
        {
            return null;
        }

        var tail = segments.AsSpan(rest);
        string? ns = null;
        // namespaces/NS/PLURAL... addresses a namespaced resource; namespaces/NS[/status] is the namespace itself.
        if (tail.Length >= 3 && tail[0] == "namespaces" && tail[2] is not ("status" or "finalize"))
        {
            ns = CheckSegment("namespace", tail[1]);
            tail = tail[2..];
        }

        if (tail.Length is 0 or > 3)
            return null;
        var type = ResourceTypes.FindByPath(group, version, tail[0]);
        if (type is null)
            return null;
        if (ns is not null && !type.Namespaced)
            return null;
        var name = tail.Length >= 2 ? CheckSegment("name", tail[1]) : null;
        var sub = tail.Length == 3 ? tail[2] : null;
        return new ApiPath(type, ns, name, sub);
    }

    private static string CheckSegment(string what, string segment)
    {
        if (segment is "." or ".." || segment.Contains('%', StringComparison.Ordinal) || segment.AsSpan().ContainsAnyInRange('\0', '\u001f') || segment.Contains('\u007f', StringComparison.Ordinal))
            throw new ApiException(ApiErrors.BadRequest($"invalid resource {what} \"{Printable(segment)}\": may not be '.' or '..' and may not contain '%' or control characters"));
        if (segment.Length > InputLimits.MaxKeyLength)
            throw new ApiException(ApiErrors.BadRequest($"invalid resource {what}: longer than {InputLimits.MaxKeyLength} characters"));
        return segment;
    }

    /// <summary>Control characters shown escaped, so the message itself stays printable.</summary>
    private static string Printable(string text)
    {
        var sb = new System.Text.StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c < ' ' || c == '\u007f')
                sb.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            else
                sb.Append(c);
        }
        return sb.ToString();
    }
}
