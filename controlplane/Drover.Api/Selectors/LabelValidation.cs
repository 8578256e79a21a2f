namespace Drover.Api;

/// <summary>
/// Kubernetes label key and value rules (IsQualifiedName / IsValidLabelValue), written as plain
/// character loops because they run for every label of every object we validate.
/// </summary>
public static class LabelValidation
{
    public const int MaxNameLength = 63;
    public const int MaxValueLength = 63;
    public const int MaxPrefixLength = 253;

    private const string NameRule =
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric " +
        "character (e.g. 'MyName', or 'my.name', or '123-abc', regex used for validation is " +
        "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    private const string PrefixRule =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must " +
        "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is " +
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    private const string ValueRule =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must " +
        "start and end with an alphanumeric character (e.g. 'MyValue', or 'my_value', or '12345', regex used for " +
        "validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    /// <summary>Checks a label key: <c>[prefix/]name</c>. Returns null when valid, else a message naming the key.</summary>
    public static string? ValidateKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        ReadOnlySpan<char> name = key;
        string? problem = null;
        int slash = key.IndexOf('/');
        if (slash >= 0)
        {
            if (key.IndexOf('/', slash + 1) >= 0)
            {
                return $"invalid label key \"{key}\": a qualified name {NameRule} with an optional DNS subdomain " +
                    "prefix and '/' (e.g. 'example.com/MyName')";
            }

            ReadOnlySpan<char> prefix = name[..slash];
            name = name[(slash + 1)..];
            if (prefix.IsEmpty)
            {
                problem = "prefix part must be non-empty";
            }
            else if (prefix.Length > MaxPrefixLength)
            {
                problem = $"prefix part must be no more than {MaxPrefixLength} characters";
            }
            else if (!IsDns1123Subdomain(prefix))
            {
                problem = "prefix part " + PrefixRule;
            }
        }

        string? nameProblem = null;
        if (name.IsEmpty)
        {
            nameProblem = "name part must be non-empty";
        }
        else if (name.Length > MaxNameLength)
        {
            nameProblem = $"name part must be no more than {MaxNameLength} characters";
        }
        else if (!IsQualifiedNamePart(name))
        {
            nameProblem = "name part " + NameRule;
        }

        if (problem is null && nameProblem is null)
        {
            return null;
        }

        string joined = problem is not null && nameProblem is not null
            ? problem + "; " + nameProblem
            : problem ?? nameProblem!;
        return $"invalid label key \"{key}\": {joined}";
    }

    /// <summary>Checks a label value (empty is allowed). Returns null when valid, else a message naming the value.</summary>
    public static string? ValidateValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > MaxValueLength)
        {
            return $"invalid label value \"{value}\": must be no more than {MaxValueLength} characters";
        }

        if (value.Length > 0 && !IsQualifiedNamePart(value))
        {
            return $"invalid label value \"{value}\": {ValueRule}";
        }

        return null;
    }

    private static bool IsQualifiedNamePart(ReadOnlySpan<char> text)
    {
        if (!char.IsAsciiLetterOrDigit(text[0]) || !char.IsAsciiLetterOrDigit(text[^1]))
        {
            return false;
        }

        foreach (char c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_' && c != '.')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsDns1123Subdomain(ReadOnlySpan<char> text)
    {
        foreach (Range range in text.Split('.'))
        {
            ReadOnlySpan<char> label = text[range];
            if (label.IsEmpty || !IsLowerAlphanumeric(label[0]) || !IsLowerAlphanumeric(label[^1]))
            {
                return false;
            }

            foreach (char c in label)
            {
                if (!IsLowerAlphanumeric(c) && c != '-')
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool IsLowerAlphanumeric(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c);
}
