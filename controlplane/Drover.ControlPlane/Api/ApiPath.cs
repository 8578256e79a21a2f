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

    /// <summary>Null when the path names no resource this server knows.</summary>
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
            ns = tail[1];
            tail = tail[2..];
        }

        if (tail.Length is 0 or > 3)
            return null;
        var type = ResourceTypes.FindByPath(group, version, tail[0]);
        if (type is null)
            return null;
        if (ns is not null && !type.Namespaced)
            return null;
        var name = tail.Length >= 2 ? Uri.UnescapeDataString(tail[1]) : null;
        var sub = tail.Length == 3 ? tail[2] : null;
        return new ApiPath(type, ns, name, sub);
    }
}
