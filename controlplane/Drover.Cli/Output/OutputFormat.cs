using Drover.Cli.Output.JsonPath;

namespace Drover.Cli.Output;

internal enum OutputFormat
{
    Table,
    Wide,
    Json,
    Yaml,
    Name,
    JsonPath,
    CustomColumns,
}

/// <summary>What `-o` asked for: a format, with its template or columns for jsonpath and custom-columns.</summary>
internal sealed record OutputSpec(OutputFormat Format, JsonPathTemplate? Template = null, CustomColumns? Columns = null)
{
    public bool IsTable => Format is OutputFormat.Table or OutputFormat.Wide or OutputFormat.CustomColumns;
}

internal static class OutputFormats
{
    private const string Allowed = "custom-columns,custom-columns-file,json,jsonpath,jsonpath-file,name,wide,yaml";

    public static OutputSpec Parse(string? text)
    {
        var equals = text?.IndexOf('=', StringComparison.Ordinal) ?? -1;
        var (name, argument) = equals < 0 ? (text, null) : (text![..equals], text[(equals + 1)..]);
        return (name, argument) switch
        {
            (null or "", null) => new(OutputFormat.Table),
            ("wide", null) => new(OutputFormat.Wide),
            ("json", null) => new(OutputFormat.Json),
            ("yaml", null) => new(OutputFormat.Yaml),
            ("name", null) => new(OutputFormat.Name),
            ("jsonpath", { } template) => new(OutputFormat.JsonPath, Template(template)),
            ("jsonpath-file", { } file) => new(OutputFormat.JsonPath, Template(OutputFiles.ReadText(file))),
            ("custom-columns", { } spec) => new(OutputFormat.CustomColumns, Columns: CustomColumns.Parse(spec)),
            ("custom-columns-file", { } file) => new(OutputFormat.CustomColumns, Columns: CustomColumns.ParseFile(file)),
            ("jsonpath" or "jsonpath-file", null) => throw new CliException("error: template format specified but no template given"),
            ("custom-columns" or "custom-columns-file", null) => throw new CliException("error: custom-columns format specified but no custom columns given"),
            _ => throw new CliException($"error: unable to match a printer suitable for the output format \"{text}\", allowed formats are: {Allowed}"),
        };
    }

    /// <summary>A path as custom columns and --sort-by take it (`.a.b`, `a.b` or `{.a.b}`), with kubectl's parse error.</summary>
    public static JsonPathExpression RelaxedPath(string path)
    {
        try
        {
            return JsonPathParser.ParseRelaxed(path);
        }
        catch (JsonPathException e)
        {
            throw new CliException($"error: error parsing jsonpath {path}, {e.Message}");
        }
    }

    private static JsonPathTemplate Template(string template)
    {
        try
        {
            return JsonPathTemplate.Parse(template);
        }
        catch (JsonPathException e)
        {
            throw new CliException($"error: error parsing jsonpath {template}, {e.Message}");
        }
    }
}
