using System.Text;

namespace Drover.Api;

/// <summary>
/// A parsed, validated label selector: a conjunction of <see cref="SelectorRequirement"/>s sorted by
/// key. Immutable, so one instance can be shared by every controller that watches with it.
/// </summary>
public sealed class Selector
{
    private readonly SelectorRequirement[] _requirements;
    private readonly bool _matchesNothing;

    private Selector(SelectorRequirement[] requirements, bool matchesNothing)
    {
        _requirements = requirements;
        _matchesNothing = matchesNothing;
    }

    /// <summary>Matches every label set, including none.</summary>
    public static Selector Everything { get; } = new([], matchesNothing: false);

    /// <summary>Matches no label set: what a null API selector means (Kubernetes <c>labels.Nothing()</c>).</summary>
    public static Selector Nothing { get; } = new([], matchesNothing: true);

    public IReadOnlyList<SelectorRequirement> Requirements => _requirements;

    /// <summary>True only for a selector with no requirements that matches everything.</summary>
    public bool IsEmpty => !_matchesNothing && _requirements.Length == 0;

    /// <summary>Parses the <c>kubectl -l</c> form; an empty or blank string selects everything.</summary>
    public static Selector Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        List<SelectorRequirement> requirements = new SelectorParser(text).Parse();
        return requirements.Count == 0 ? Everything : Create(requirements);
    }

    /// <summary>
    /// Converts the API form as Kubernetes LabelSelectorAsSelector does: null matches nothing, empty
    /// matches everything, and each matchLabels pair becomes an Equals requirement.
    /// </summary>
    public static Selector FromLabelSelector(LabelSelector? selector)
    {
        if (selector is null)
        {
            return Nothing;
        }

        int count = (selector.MatchLabels?.Count ?? 0) + (selector.MatchExpressions?.Count ?? 0);
        if (count == 0)
        {
            return Everything;
        }

        var requirements = new List<SelectorRequirement>(count);
        if (selector.MatchLabels is { } matchLabels)
        {
            AddMatchLabels(requirements, matchLabels, "matchLabels");
        }

        List<LabelSelectorRequirement> expressions = selector.MatchExpressions ?? [];
        for (int i = 0; i < expressions.Count; i++)
        {
            LabelSelectorRequirement expression = expressions[i]
                ?? throw new FormatException($"invalid label selector: matchExpressions[{i}] must not be null");
            SelectorOperator op = expression.Operator switch
            {
                "In" => SelectorOperator.In,
                "NotIn" => SelectorOperator.NotIn,
                "Exists" => SelectorOperator.Exists,
                "DoesNotExist" => SelectorOperator.DoesNotExist,
                _ => throw new FormatException(
                    $"invalid label selector: matchExpressions[{i}].operator: Unsupported value: " +
                    $"\"{expression.Operator}\": supported values: \"In\", \"NotIn\", \"Exists\", \"DoesNotExist\""),
            };
            SelectorRequirement requirement = SelectorRequirement.Create(
                expression.Key ?? "", op, expression.Values ?? [], out string? field, out string? error)
                ?? throw new FormatException($"invalid label selector: matchExpressions[{i}].{field}: {error}");
            requirements.Add(requirement);
        }

        return Create(requirements);
    }

    /// <summary>The Service-style map form; null or empty selects everything (Kubernetes SelectorFromSet).</summary>
    public static Selector FromMatchLabels(IReadOnlyDictionary<string, string>? labels)
    {
        if (labels is null || labels.Count == 0)
        {
            return Everything;
        }

        var requirements = new List<SelectorRequirement>(labels.Count);
        AddMatchLabels(requirements, labels, "selector");
        return Create(requirements);
    }

    public bool Matches(IReadOnlyDictionary<string, string>? labels)
    {
        if (_matchesNothing)
        {
            return false;
        }

        foreach (SelectorRequirement requirement in _requirements)
        {
            if (!requirement.Matches(labels))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The canonical string form, which <see cref="Parse"/> reads back to an equal selector. Like
    /// Kubernetes, <see cref="Nothing"/> prints as "" and so cannot be told apart from Everything.
    /// </summary>
    public override string ToString()
    {
        if (_requirements.Length == 0)
        {
            return "";
        }

        var builder = new StringBuilder();
        for (int i = 0; i < _requirements.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(',');
            }

            _requirements[i].AppendTo(builder);
        }

        return builder.ToString();
    }

    private static void AddMatchLabels(
        List<SelectorRequirement> requirements, IEnumerable<KeyValuePair<string, string>> labels, string path)
    {
        foreach ((string key, string value) in labels)
        {
            SelectorRequirement requirement = SelectorRequirement.Create(
                key, SelectorOperator.Equals, [value ?? ""], out string? field, out string? error)
                ?? throw new FormatException(
                    $"invalid label selector: {path}[\"{key}\"]{(field == "key" ? "" : " value")}: {error}");
            requirements.Add(requirement);
        }
    }

    private static Selector Create(List<SelectorRequirement> requirements) =>
        // Stable ordinal sort by key, as Kubernetes ByKey, so equal selectors print identically.
        new(requirements.OrderBy(r => r.Key, StringComparer.Ordinal).ToArray(), matchesNothing: false);
}
