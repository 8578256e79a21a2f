namespace Drover.Api;

/// <summary>
/// Kubernetes' name grammars (k8s.io/apimachinery/pkg/util/validation) as character loops, returning
/// the API server's message or null when the text is valid. Loops instead of regexes: these run for
/// every name, key and port of every object written.
/// </summary>
public static class NameRules
{
    public const int Dns1123LabelMaxLength = 63;
    public const int Dns1123SubdomainMaxLength = 253;
    public const int PortNameMaxLength = 15;
    public const int ConfigKeyMaxLength = 253;

    private const string Dns1123LabelMessage =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end " +
        "with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

    private const string Dns1123SubdomainMessage =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and " +
        "end with an alphanumeric character (e.g. 'example.com', regex used for validation is " +
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    private const string Dns1035LabelMessage =
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, " +
        "and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

    private const string WildcardSubdomainMessage =
        "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower " +
        "case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used " +
        "for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    private const string ConfigKeyMessage =
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  " +
        "or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

    private const string EnvVarNameMessage =
        "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not " +
        "start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is " +
        "'[-._a-zA-Z][-._a-zA-Z0-9]*')";

    private const string HttpHeaderNameMessage =
        "a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for " +
        "validation is '[-A-Za-z0-9]+')";

    public static string? Dns1123Label(string value)
    {
        if (value.Length > Dns1123LabelMaxLength)
            return $"must be no more than {Dns1123LabelMaxLength} characters";
        return IsLabel(value, letterFirst: false) ? null : Dns1123LabelMessage;
    }

    public static string? Dns1123Subdomain(string value)
    {
        if (value.Length > Dns1123SubdomainMaxLength)
            return $"must be no more than {Dns1123SubdomainMaxLength} characters";
        return IsSubdomain(value) ? null : Dns1123SubdomainMessage;
    }

    public static string? Dns1035Label(string value)
    {
        if (value.Length > Dns1123LabelMaxLength)
            return $"must be no more than {Dns1123LabelMaxLength} characters";
        return IsLabel(value, letterFirst: true) ? null : Dns1035LabelMessage;
    }

    /// <summary><c>*.example.com</c>: Ingress hosts and TLS hosts may use one leading wildcard label.</summary>
    public static string? WildcardDns1123Subdomain(string value)
    {
        if (value.Length > Dns1123SubdomainMaxLength)
            return $"must be no more than {Dns1123SubdomainMaxLength} characters";
        return value.StartsWith("*.", StringComparison.Ordinal) && IsSubdomain(value.AsSpan(2)) ? null : WildcardSubdomainMessage;
    }

    /// <summary>
    /// A name prefix for generateName: Kubernetes appends random characters, so a trailing '-' is
    /// fine and only the rest must be valid.
    /// </summary>
    public static string? GenerateNamePrefix(string prefix, Func<string, string?> nameRule) =>
        nameRule(prefix.EndsWith('-') ? prefix[..^1] + "a" : prefix);

    /// <summary>IANA_SVC_NAME (RFC 6335), the rule for container and service port names.</summary>
    public static string? PortName(string value)
    {
        if (value.Length > PortNameMaxLength)
            return $"must be no more than {PortNameMaxLength} characters";
        var hasLetter = false;
        foreach (var c in value)
        {
            if (char.IsAsciiLetterLower(c)) hasLetter = true;
            else if (!char.IsAsciiDigit(c) && c != '-')
                return "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)";
        }
        if (!hasLetter)
            return "must contain at least one letter (a-z)";
        if (value.Contains("--", StringComparison.Ordinal))
            return "must not contain consecutive hyphens";
        if (value[0] == '-' || value[^1] == '-')
            return "must not begin or end with a hyphen";
        return null;
    }

    public static string? PortNumber(long port) =>
        port is >= 1 and <= 65535 ? null : "must be between 1 and 65535, inclusive";

    /// <summary>Keys of ConfigMap and Secret data (they become file names, hence no '.' or '..').</summary>
    public static string? ConfigKey(string key)
    {
        if (key.Length > ConfigKeyMaxLength)
            return $"must be no more than {ConfigKeyMaxLength} characters";
        if (key.Length == 0)
            return ConfigKeyMessage;
        foreach (var c in key)
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '.' or '_'))
                return ConfigKeyMessage;
        if (key == ".")
            return "must not be '.'";
        if (key == "..")
            return "must not be '..'";
        if (key.StartsWith("..", StringComparison.Ordinal))
            return "must not start with '..'";
        return null;
    }

    public static string? EnvVarName(string name)
    {
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
            return EnvVarNameMessage;
        foreach (var c in name)
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '.' or '_'))
                return EnvVarNameMessage;
        return null;
    }

    public static string? HttpHeaderName(string name)
    {
        if (name.Length == 0)
            return HttpHeaderNameMessage;
        foreach (var c in name)
            if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                return HttpHeaderNameMessage;
        return null;
    }

    /// <summary>Names that end up as one URL path segment (scaleTargetRef kind and name).</summary>
    public static string? PathSegmentName(string name)
    {
        if (name is "." or "..")
            return $"may not be '{name}'";
        if (name.Contains('/'))
            return "may not contain '/'";
        if (name.Contains('%'))
            return "may not contain '%'";
        return null;
    }

    private static bool IsLabel(ReadOnlySpan<char> value, bool letterFirst)
    {
        if (value.IsEmpty)
            return false;
        if (letterFirst ? !char.IsAsciiLetterLower(value[0]) : !IsLowerAlphanumeric(value[0]))
            return false;
        if (!IsLowerAlphanumeric(value[^1]))
            return false;
        foreach (var c in value)
            if (!IsLowerAlphanumeric(c) && c != '-')
                return false;
        return true;
    }

    private static bool IsSubdomain(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
            return false;
        foreach (var range in value.Split('.'))
            if (!IsLabel(value[range], letterFirst: false))
                return false;
        return true;
    }

    private static bool IsLowerAlphanumeric(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c);
}
