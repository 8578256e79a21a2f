using Drover.Api;
using Drover.Cli.Output.JsonPath;

namespace Drover.Cli.Explain;

/// <summary>What `explain RESOURCE[.field.path]` asks for: a group, version and resource, and the fields to follow.</summary>
internal sealed record ExplainTarget(string Group, string Version, string Resource, IReadOnlyList<string> FieldPath)
{
    /// <summary>As kubectl's GroupVersionResource.String(): "apps/v1, Resource=deployments", "/v1, Resource=pods".</summary>
    public string GroupVersionResource => $"{Group}/{Version}, Resource={Resource}";

    /// <summary>"api/v1" or "apis/apps/v1": the key of the group version in the /openapi/v3 index.</summary>
    public string OpenApiPath => Group.Length == 0 ? "api/" + Version : $"apis/{Group}/{Version}";

    /// <summary>
    /// kubectl's SplitAndParseResourceRequestWithMatchingPrefix (no --api-version): the first JSONPath field names the
    /// resource; when the argument starts with its "plural.group" ("deployments.apps.spec") the rest after that is the
    /// field path, otherwise every field after the first is. With --api-version (SplitAndParseResourceRequest) there
    /// is no prefix matching and the given group version replaces the resource's.
    /// </summary>
    public static ExplainTarget Parse(string argument, string? apiVersion)
    {
        ArgumentNullException.ThrowIfNull(argument);
        var withApiVersion = !string.IsNullOrEmpty(apiVersion);
        var nodes = Fields(argument, notAField: withApiVersion ? "all nodes must be field nodes" : "first node must be field node");
        // kubectl's explain prints the mapper's error as is, without the "error: " other verbs put before it.
        var type = ResourceTypes.FindByCommandLineName(nodes[0])
            ?? throw new CliException($"the server doesn't have a resource type \"{nodes[0]}\"");
        IReadOnlyList<string> fieldPath = nodes.Skip(1).ToList();
        var group = type.Group;
        var version = type.Version;
        if (!withApiVersion)
        {
            var groupResource = ResourceKinds.PluralQualified(type);
            if (argument.StartsWith(groupResource, StringComparison.Ordinal))
            {
                var suffix = argument[groupResource.Length..];
                // kubectl parses the suffix as "{." + suffix + "}" and drops its first node (the ".." of ".spec").
                fieldPath = suffix.Length == 0 ? [] : Fields(suffix, skip: 1);
            }
        }
        else
        {
            (group, version) = ParseGroupVersion(apiVersion!);
        }
        return new ExplainTarget(group, version, type.Plural, fieldPath);
    }

    /// <summary>apimachinery's ParseGroupVersion: "v1" (the core group), "apps/v1"; anything else is refused with its message.</summary>
    private static (string Group, string Version) ParseGroupVersion(string text)
    {
        if (text is "" or "/")
            return ("", "");
        var parts = text.Split('/');
        return parts.Length switch
        {
            1 => ("", parts[0]),
            2 => (parts[0], parts[1]),
            _ => throw new CliException($"error: unexpected GroupVersion string: {text}"),
        };
    }

    /// <summary>
    /// The field names of kubectl's jsonPathParse(text) ("{." + text + "}"), from node <paramref name="skip"/> on; every
    /// node there must be a field. The resource's own parse has at least its first node.
    /// </summary>
    private static List<string> Fields(string text, int skip = 0, string notAField = "first node must be field node")
    {
        var trimmed = text.EndsWith('.') ? text[..^1] : text;
        JsonPathExpression expression;
        try
        {
            expression = JsonPathParser.ParseRelaxed("." + trimmed);
        }
        catch (JsonPathException e)
        {
            throw new CliException("error: " + e.Message);
        }
        if (skip == 0 && expression.Steps.Count == 0)
            throw new CliException("error: invalid jsonpath syntax, first node must be field node");
        var names = new List<string>();
        foreach (var step in expression.Steps.Skip(skip))
        {
            if (step is not FieldStep { Names.Count: 1 } field)
                throw new CliException("error: invalid jsonpath syntax, " + notAField);
            names.Add(field.Names[0]);
        }
        return names;
    }
}
