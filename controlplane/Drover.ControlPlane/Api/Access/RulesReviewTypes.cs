using System.Text.Json.Serialization;
using Drover.Api;

namespace Drover.ControlPlane.Api.Access;

/// <summary>authorization.k8s.io/v1 SelfSubjectRulesReview: "what may I do in this namespace?", as <c>kubectl auth can-i --list</c> asks.</summary>
public sealed record SelfSubjectRulesReview
{
    public string? ApiVersion { get; init; }
    public string? Kind { get; init; }
    public ObjectMeta? Metadata { get; init; }
    public SelfSubjectRulesReviewSpec? Spec { get; init; }
    public SubjectRulesReviewStatus? Status { get; init; }
}

public sealed record SelfSubjectRulesReviewSpec
{
    public string? Namespace { get; init; }
}

public sealed record SubjectRulesReviewStatus
{
    public IReadOnlyList<ResourceRuleEntry> ResourceRules { get; init; } = [];
    public IReadOnlyList<NonResourceRuleEntry> NonResourceRules { get; init; } = [];
    public bool Incomplete { get; init; }
    public string? EvaluationError { get; init; }
}

/// <summary>A ResourceRule as Kubernetes writes it (empty lists left out, verbs always there).</summary>
public sealed record ResourceRuleEntry
{
    public IReadOnlyList<string> Verbs { get; init; } = [];
    public IReadOnlyList<string>? ApiGroups { get; init; }
    public IReadOnlyList<string>? Resources { get; init; }
    public IReadOnlyList<string>? ResourceNames { get; init; }
}

public sealed record NonResourceRuleEntry
{
    public IReadOnlyList<string> Verbs { get; init; } = [];

    [JsonPropertyName("nonResourceURLs")]
    public IReadOnlyList<string>? NonResourceUrls { get; init; }
}
