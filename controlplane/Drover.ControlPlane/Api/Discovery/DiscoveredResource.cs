using Drover.Api;

namespace Drover.ControlPlane.Api.Discovery;

/// <summary>One resource as discovery lists it: a stored kind from <see cref="ResourceTypes"/>, or a served view (metrics.k8s.io).</summary>
internal sealed record DiscoveredResource(
    string Group, string Version, string Plural, string Singular, string Kind, bool Namespaced,
    IReadOnlyList<string> Verbs, IReadOnlyList<string> ShortNames, IReadOnlyList<string> Categories, IReadOnlyList<Subresource> Subresources)
{
    public string GroupVersion => Group.Length == 0 ? Version : Group + "/" + Version;

    public static DiscoveredResource From(ResourceType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return new(type.Group, type.Version, type.Plural, type.Singular, type.Kind, type.Namespaced, type.Verbs, type.ShortNames, type.Categories, [.. type.Subresources]);
    }

    /// <summary>The resource metrics API (ResourceMetricsEndpoints): listed so `kubectl top` finds it, as metrics-server's APIService makes it.</summary>
    public static IReadOnlyList<DiscoveredResource> Metrics { get; } =
    [
        new("metrics.k8s.io", "v1beta1", "nodes", "", "NodeMetrics", false, ["get", "list"], [], [], []),
        new("metrics.k8s.io", "v1beta1", "pods", "", "PodMetrics", true, ["get", "list"], [], [], []),
    ];

    /// <summary>The reviews a client asks about itself (AccessReviewEndpoint), created and answered, never stored.</summary>
    public static IReadOnlyList<DiscoveredResource> Reviews { get; } =
    [
        new("authorization.k8s.io", "v1", "selfsubjectaccessreviews", "", "SelfSubjectAccessReview", false, ["create"], [], [], []),
        new("authorization.k8s.io", "v1", "selfsubjectrulesreviews", "", "SelfSubjectRulesReview", false, ["create"], [], [], []),
        new("authentication.k8s.io", "v1", "selfsubjectreviews", "", "SelfSubjectReview", false, ["create"], [], [], []),
    ];
}
