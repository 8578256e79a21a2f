using System.Globalization;
using System.Text;

namespace Drover.Api;

/// <summary>
/// One clause of a <see cref="Selector"/>. Instances built by <see cref="Selector"/> are validated and
/// hold their values sorted and de-duplicated, which is what makes <see cref="ToString"/> canonical.
/// </summary>
public sealed record SelectorRequirement(string Key, SelectorOperator Operator, IReadOnlyList<string> Values)
{
    public bool Matches(IReadOnlyDictionary<string, string>? labels)
    {
        string? value = null;
        bool present = labels is not null && labels.TryGetValue(Key, out value);
        switch (Operator)
        {
            case SelectorOperator.Equals:
            case SelectorOperator.In:
                return present && Contains(value!);
            case SelectorOperator.NotEquals:
            case SelectorOperator.NotIn:
                // Kubernetes: a missing key satisfies a negative match.
                return !present || !Contains(value!);
            case SelectorOperator.Exists:
                return present;
            case SelectorOperator.DoesNotExist:
                return !present;
            case SelectorOperator.GreaterThan:
            case SelectorOperator.LessThan:
                // A label that is not an integer simply does not match; it is not an error.
                if (!present || Values.Count != 1 || !TryParseInt64(value!, out long actual)
                    || !TryParseInt64(Values[0], out long bound))
                {
                    return false;
                }

                return Operator == SelectorOperator.GreaterThan ? actual > bound : actual < bound;
            default:
                return false;
        }
    }

    /// <summary>Compares the value lists by content; the compiler's default compares the list reference.</summary>
    public bool Equals(SelectorRequirement? other) =>
        other is not null
        && string.Equals(Key, other.Key, StringComparison.Ordinal)
        && Operator == other.Operator
        && Values.SequenceEqual(other.Values, StringComparer.Ordinal);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Key, StringComparer.Ordinal);
        hash.Add(Operator);
        foreach (string value in Values)
        {
            hash.Add(value, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    /// <summary>The clause in <c>kubectl -l</c> syntax, e.g. <c>env in (a,b)</c> or <c>!legacy</c>.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder();
        AppendTo(builder);
        return builder.ToString();
    }

    internal void AppendTo(StringBuilder builder)
    {
        switch (Operator)
        {
            case SelectorOperator.Exists:
                builder.Append(Key);
                return;
            case SelectorOperator.DoesNotExist:
                builder.Append('!').Append(Key);
                return;
            case SelectorOperator.In:
            case SelectorOperator.NotIn:
                builder.Append(Key).Append(Operator == SelectorOperator.In ? " in (" : " notin (");
                builder.AppendJoin(',', Values).Append(')');
                return;
            default:
                builder.Append(Key).Append(Operator switch
                {
                    SelectorOperator.NotEquals => "!=",
                    SelectorOperator.GreaterThan => ">",
                    SelectorOperator.LessThan => "<",
                    _ => "=",
                });
                builder.AppendJoin(',', Values);
                return;
        }
    }

    /// <summary>
    /// Validates and normalises a clause (Kubernetes NewRequirement). On failure returns null and
    /// names the offending part: <c>key</c>, <c>values</c> or <c>values[i]</c>.
    /// </summary>
    internal static SelectorRequirement? Create(
        string key, SelectorOperator op, IEnumerable<string> values, out string? field, out string? error)
    {
        field = "key";
        error = LabelValidation.ValidateKey(key);
        if (error is not null)
        {
            return null;
        }

        // Values are checked in the caller's order so "values[i]" points at what the user wrote.
        string[] given = values as string[] ?? values.ToArray();
        for (int i = 0; i < given.Length; i++)
        {
            error = LabelValidation.ValidateValue(given[i]);
            if (error is not null)
            {
                field = $"values[{i}]";
                return null;
            }
        }

        string[] normalized = given.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        field = "values";
        error = op switch
        {
            SelectorOperator.In or SelectorOperator.NotIn when normalized.Length == 0 =>
                "values must be non-empty for the 'In' and 'NotIn' operators",
            SelectorOperator.Equals or SelectorOperator.NotEquals when normalized.Length != 1 =>
                "exactly one value is required for the '=', '==' and '!=' operators",
            SelectorOperator.Exists or SelectorOperator.DoesNotExist when normalized.Length != 0 =>
                "values must be empty for the 'Exists' and 'DoesNotExist' operators",
            SelectorOperator.GreaterThan or SelectorOperator.LessThan when normalized.Length != 1 =>
                "exactly one value is required for the '>' and '<' operators",
            SelectorOperator.GreaterThan or SelectorOperator.LessThan when !TryParseInt64(normalized[0], out _) =>
                $"value \"{normalized[0]}\" must be an integer for the '>' and '<' operators",
            _ => null,
        };
        if (error is not null)
        {
            return null;
        }

        field = null;
        return new SelectorRequirement(key, op, normalized);
    }

    private bool Contains(string value)
    {
        // Indexed, not foreach: enumerating an IReadOnlyList boxes an enumerator on every match.
        for (int i = 0; i < Values.Count; i++)
        {
            if (string.Equals(Values[i], value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    // Go's strconv.ParseInt(s, 10, 64): optional sign, ASCII digits, no whitespace.
    private static bool TryParseInt64(string text, out long value) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
}
