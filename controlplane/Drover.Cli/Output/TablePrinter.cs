using System.Text;
using Drover.Api;
using Drover.Api.Printing;

namespace Drover.Cli.Output;

/// <summary>
/// Renders `get` tables the way kubectl's tabwriter does (three spaces between columns, at least six wide,
/// last column unpadded) and remembers the widths so watch rows printed later line up with the first table.
/// </summary>
internal sealed class TablePrinter
{
    private const int Padding = 3;
    private const int MinWidth = 6;
    private readonly Column[] _columns;
    private readonly bool _withNamespace;
    private int[] _widths = [];

    public TablePrinter(IReadOnlyList<Column> columns, bool wide, bool withNamespace)
    {
        ArgumentNullException.ThrowIfNull(columns);
        _columns = columns.Where(c => wide || !c.WideOnly).ToArray();
        _withNamespace = withNamespace;
    }

    public string[] Header()
    {
        var headers = _columns.Select(c => c.Header);
        return _withNamespace ? ["NAMESPACE", .. headers] : headers.ToArray();
    }

    public string[] Row(KubeObject obj, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var cells = _columns.Select(c => c.Value(obj, now));
        return _withNamespace ? [obj.Metadata.Namespace ?? "", .. cells] : cells.ToArray();
    }

    /// <summary>The header and one row per object, aligned.</summary>
    public string Render(IEnumerable<KubeObject> items, DateTimeOffset now, bool noHeaders = false)
    {
        var rows = new List<string[]>();
        if (!noHeaders)
            rows.Add(Header());
        rows.AddRange(items.Select(i => Row(i, now)));
        return Format(rows);
    }

    /// <summary>Aligns rows against the widths seen so far (columns only ever grow, so a watch stays tidy).</summary>
    public string Format(IReadOnlyList<string[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var count = rows.Count == 0 ? 0 : rows.Max(r => r.Length);
        if (_widths.Length < count)
            Array.Resize(ref _widths, count);
        foreach (var row in rows)
            for (var i = 0; i < row.Length - 1; i++)
                _widths[i] = Math.Max(_widths[i], Math.Max(MinWidth, row[i].Length + Padding));
        var sb = new StringBuilder();
        foreach (var row in rows)
        {
            for (var i = 0; i < row.Length; i++)
            {
                sb.Append(row[i]);
                if (i < row.Length - 1)
                    sb.Append(' ', _widths[i] - row[i].Length);
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
