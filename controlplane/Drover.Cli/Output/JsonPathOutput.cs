using System.Text.Json;
using Drover.Cli.Output.JsonPath;

namespace Drover.Cli.Output;

/// <summary>`-o jsonpath=…`: the template run over the object (or the List) as `-o json` would print it.</summary>
internal static class JsonPathOutput
{
    public static string Render(JsonPathTemplate template, byte[] json)
    {
        ArgumentNullException.ThrowIfNull(template);
        using var document = JsonDocument.Parse(json);
        try
        {
            return template.Execute(document.RootElement);
        }
        catch (JsonPathException e)
        {
            throw new CliException($"error: error executing jsonpath: {e.Message}");
        }
    }
}
