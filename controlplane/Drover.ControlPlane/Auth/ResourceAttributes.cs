using Drover.Api;

namespace Drover.ControlPlane.Auth;

/// <summary>
/// What a request addresses, as the authorizer sees it (Kubernetes' authorizer.Attributes): the resource type, the
/// namespace and name (none for a collection), the subresource, and the field selector of a list or watch. The HTTP
/// layer builds it from the URL; the authorizer never sees HTTP.
/// </summary>
public sealed record ResourceAttributes(ResourceType Type, string? Namespace, string? Name, string? Subresource, string FieldSelector = "")
{
    public bool IsCollection => Name is null;
}
