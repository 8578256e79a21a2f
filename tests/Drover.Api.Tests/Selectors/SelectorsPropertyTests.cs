using CsCheck;

namespace Drover.Api.Tests;

public class SelectorsPropertyTests
{
    private static readonly Gen<string> s_key = Gen.OneOf("a", "b", "app", "in", "notin", "example.com/x", "z-1");
    private static readonly Gen<string> s_value = Gen.OneOf("", "x", "y", "web", "in", "A_1", "10");
    private static readonly Gen<string> s_number = Gen.Int[0, 100].Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static readonly Gen<SelectorRequirement> s_requirement = Gen.Select(
        s_key,
        Gen.Enum<SelectorOperator>(),
        s_value.Array[1, 3],
        s_number,
        (key, op, values, number) => op switch
        {
            SelectorOperator.Exists or SelectorOperator.DoesNotExist => new SelectorRequirement(key, op, []),
            SelectorOperator.GreaterThan or SelectorOperator.LessThan => new SelectorRequirement(key, op, [number]),
            SelectorOperator.Equals or SelectorOperator.NotEquals => new SelectorRequirement(key, op, [values[0]]),
            _ => new SelectorRequirement(key, op, values),
        });

    private static readonly Gen<Dictionary<string, string>> s_labels =
        Gen.Dictionary(s_key, Gen.OneOf(s_value, s_number))[0, 5];

    [Fact]
    public void Parse_FormattedSelector_RoundTrips()
    {
        s_requirement.Array[0, 5].Sample(requirements =>
        {
            string text = string.Join(",", requirements.Select(r => r.ToString()));
            Selector parsed = Selector.Parse(text);
            return Selector.Parse(parsed.ToString()).ToString() == parsed.ToString()
                && Selector.Parse(parsed.ToString()).Requirements.SequenceEqual(parsed.Requirements);
        });
    }

    [Fact]
    public void Matches_ParsedSelector_IsConjunctionOfRequirements()
    {
        Gen.Select(s_requirement.Array[0, 5], s_labels).Sample((requirements, labels) =>
        {
            Selector parsed = Selector.Parse(string.Join(",", requirements.Select(r => r.ToString())));
            return parsed.Matches(labels) == requirements.All(r => r.Matches(labels));
        });
    }

    [Fact]
    public void Matches_NegatedPair_AreComplementary()
    {
        Gen.Select(s_key, s_value.Array[1, 3], s_labels).Sample((key, values, labels) =>
        {
            var inReq = new SelectorRequirement(key, SelectorOperator.In, values);
            var notIn = new SelectorRequirement(key, SelectorOperator.NotIn, values);
            var exists = new SelectorRequirement(key, SelectorOperator.Exists, []);
            var missing = new SelectorRequirement(key, SelectorOperator.DoesNotExist, []);
            return inReq.Matches(labels) != notIn.Matches(labels) && exists.Matches(labels) != missing.Matches(labels);
        });
    }
}
