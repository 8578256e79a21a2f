using System.Text.Json;
using Drover.Api;

namespace Drover.Cli.Output;

/// <summary>`-o json|yaml|name` for one object or several (several make a `List`, as in kubectl).</summary>
internal static class ObjectPrinter
{
    public static string Render(OutputFormat format, ResourceType type, IReadOnlyList<KubeObject> items, bool asList)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(items);
        if (format == OutputFormat.Name)
            return string.Concat(items.Select(i => JsonOutput.Name(type, i) + "\n"));
        var json = asList || items.Count != 1
            ? JsonOutput.List(items.Select(i => (type, i)))
            : JsonOutput.Object(type, items[0]);
        if (format == OutputFormat.Json)
            return JsonOutput.Text(json) + "\n";
        using var document = JsonDocument.Parse(json);
        return YamlWriter.Write(document.RootElement);
    }
}
