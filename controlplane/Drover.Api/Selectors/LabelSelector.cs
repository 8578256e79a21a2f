namespace Drover.Api;

/// <summary>
/// The API (wire) form of a label selector, as in <c>spec.selector</c> of a Deployment. A null
/// selector matches nothing, an empty one everything; see <see cref="Selector.FromLabelSelector"/>.
/// </summary>
public sealed record LabelSelector
{
    /// <summary>Each pair is an <c>Equals</c> requirement; all of them must hold.</summary>
    public Dictionary<string, string>? MatchLabels { get; init; }

    public List<LabelSelectorRequirement>? MatchExpressions { get; init; }
}
