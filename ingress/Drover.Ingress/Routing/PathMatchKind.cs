namespace Drover.Ingress.Routing;

/// <summary>How a rule's path is compared with a request's: Kubernetes' pathType after mapping.</summary>
public enum PathMatchKind
{
    /// <summary>pathType Exact: the whole path, case-sensitive, trailing slash significant.</summary>
    Exact,

    /// <summary>pathType Prefix (and ImplementationSpecific, which Drover treats as Prefix): element-wise.</summary>
    Prefix,
}

public static class PathTypes
{
    /// <summary>
    /// Kubernetes' pathType, or null for a value the API should have refused. ImplementationSpecific is
    /// Prefix here: the spec leaves it to the controller and Prefix is what users expect from it.
    /// </summary>
    public static PathMatchKind? Parse(string? pathType) => pathType switch
    {
        "Exact" => PathMatchKind.Exact,
        "Prefix" or "ImplementationSpecific" or null or "" => PathMatchKind.Prefix,
        _ => null,
    };
}
