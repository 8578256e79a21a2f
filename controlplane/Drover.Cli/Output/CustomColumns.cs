using System.Text.Json;
using Drover.Api;
using Drover.Api.Printing;
using Drover.Cli.Output.JsonPath;

namespace Drover.Cli.Output;

/// <summary>
/// `-o custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[*].image` and `-o custom-columns-file=F` (a header
/// line, then a line of paths). A cell with several values joins them with commas; a cell with none is &lt;none&gt;.
/// </summary>
internal sealed class CustomColumns
{
    public const int MaxColumns = 64;

    private readonly List<(string Header, JsonPathExpression Path)> _columns;

    // A row's cells are rendered one after another: the object is serialized once per row, not once per column.
    private (KubeObject Object, JsonElement Root)? _lastRow;

    private CustomColumns(List<(string Header, JsonPathExpression Path)> columns) =>
        _columns = columns.Count <= MaxColumns ? columns : throw new CliException($"error: {columns.Count} custom columns; at most {MaxColumns} are allowed");

    /// <summary>The table columns for objects of <paramref name="type"/>.</summary>
    public IReadOnlyList<Column> For(ResourceType type) =>
        _columns.Select(c => new Column(c.Header, (obj, _) => Cell(c.Path, type, obj))).ToArray();

    public static CustomColumns Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Length == 0)
            throw new CliException("error: custom-columns format specified but no custom columns given");
        var columns = new List<(string, JsonPathExpression)>();
        foreach (var entry in spec.Split(','))
        {
            var colon = entry.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
                throw new CliException($"error: unexpected custom-columns spec: {entry}, expected <header>:<json-path-expr>");
            columns.Add(Of(entry[..colon], entry[(colon + 1)..]));
        }
        return new CustomColumns(columns);
    }

    /// <summary>kubectl's file form: headers on the first line, the paths under them on the second, split by blanks.</summary>
    public static CustomColumns ParseFile(string path)
    {
        var lines = OutputFiles.ReadLines(path);
        if (lines.Length != 2)
            throw new CliException($"error: invalid template file {path}: expected 2 lines (headers, then paths), found {lines.Length}");
        var headers = lines[0].Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        var paths = lines[1].Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (headers.Length != paths.Length)
            throw new CliException($"error: invalid template file {path}: {headers.Length} headers but {paths.Length} paths");
        return new CustomColumns(headers.Zip(paths, Of).ToList());
    }

    private static (string, JsonPathExpression) Of(string header, string path) => (header, OutputFormats.RelaxedPath(path));

    private string Cell(JsonPathExpression expression, ResourceType type, KubeObject obj)
    {
        var root = Document(type, obj);
        var values = JsonPathEvaluator.Evaluate(expression, root, root);
        return values.Count == 0 ? "<none>" : string.Join(',', values.Select(JsonPathEvaluator.Text));
    }

    private JsonElement Document(ResourceType type, KubeObject obj)
    {
        if (_lastRow is { } last && ReferenceEquals(last.Object, obj))
            return last.Root;
        using var document = JsonDocument.Parse(JsonOutput.Object(type, obj));
        var root = document.RootElement.Clone();
        _lastRow = (obj, root);
        return root;
    }
}
