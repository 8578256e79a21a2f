namespace Drover.Api;

/// <summary>
/// One <c>matchExpressions</c> entry. <see cref="Operator"/> stays a string on the wire so an unknown
/// operator is reported by validation with its field path instead of failing deserialisation.
/// </summary>
public sealed record LabelSelectorRequirement
{
    public string Key { get; init; } = "";

    /// <summary>One of <c>In</c>, <c>NotIn</c>, <c>Exists</c>, <c>DoesNotExist</c>.</summary>
    public string Operator { get; init; } = "";

    public List<string>? Values { get; init; }
}
