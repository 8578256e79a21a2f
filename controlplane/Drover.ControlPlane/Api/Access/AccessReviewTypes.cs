using System.Text.Json;
using System.Text.Json.Serialization;
using Drover.Api;

namespace Drover.ControlPlane.Api.Access;

/// <summary>authorization.k8s.io/v1 SelfSubjectAccessReview: "may I do this?", as <c>kubectl auth can-i</c> asks.</summary>
public sealed record SelfSubjectAccessReview
{
    public string? ApiVersion { get; init; }
    public string? Kind { get; init; }
    public ObjectMeta? Metadata { get; init; }
    public SelfSubjectAccessReviewSpec? Spec { get; init; }
    public SubjectAccessReviewStatus? Status { get; init; }
}

public sealed record SelfSubjectAccessReviewSpec
{
    public AccessResourceAttributes? ResourceAttributes { get; init; }
    public NonResourceAttributes? NonResourceAttributes { get; init; }
}

public sealed record AccessResourceAttributes
{
    public string? Namespace { get; init; }
    public string? Verb { get; init; }
    public string? Group { get; init; }
    public string? Version { get; init; }
    public string? Resource { get; init; }
    public string? Subresource { get; init; }
    public string? Name { get; init; }
    public JsonElement? FieldSelector { get; init; }
    public JsonElement? LabelSelector { get; init; }
}

public sealed record NonResourceAttributes
{
    public string? Path { get; init; }
    public string? Verb { get; init; }
}

public sealed record SubjectAccessReviewStatus
{
    public bool Allowed { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Denied { get; init; }

    public string? Reason { get; init; }
    public string? EvaluationError { get; init; }
}

/// <summary>authentication.k8s.io/v1 SelfSubjectReview: "who am I?", as <c>kubectl auth whoami</c> asks.</summary>
public sealed record SelfSubjectReview
{
    public string? ApiVersion { get; init; }
    public string? Kind { get; init; }
    public ObjectMeta? Metadata { get; init; }
    public SelfSubjectReviewStatus? Status { get; init; }
}

public sealed record SelfSubjectReviewStatus
{
    public UserInfo? UserInfo { get; init; }
}

public sealed record UserInfo
{
    public string? Username { get; init; }
    public IReadOnlyList<string>? Groups { get; init; }
}
