namespace Drover.Cli.Output;

internal enum OutputFormat
{
    Table,
    Wide,
    Json,
    Yaml,
    Name,
}

internal static class OutputFormats
{
    public static OutputFormat Parse(string? text) => text switch
    {
        null or "" => OutputFormat.Table,
        "wide" => OutputFormat.Wide,
        "json" => OutputFormat.Json,
        "yaml" => OutputFormat.Yaml,
        "name" => OutputFormat.Name,
        _ => throw new CliException($"error: unable to match a printer suitable for the output format \"{text}\", allowed formats are: json,name,wide,yaml"),
    };
}
