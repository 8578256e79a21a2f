namespace Drover.Api.Printing;

/// <summary>The columns kubectl adds to any table: one per <c>-L KEY</c> and a LABELS column for <c>--show-labels</c>.</summary>
public static class LabelColumns
{
    /// <summary>kubectl's header for <c>-L</c>: the key's last path segment, upper-cased (<c>app.kubernetes.io/name</c> → NAME).</summary>
    public static Column ForKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var header = key[(key.LastIndexOf('/') + 1)..].ToUpperInvariant();
        return new Column(header, (o, _) => o.Metadata.Labels is { } labels && labels.TryGetValue(key, out var value) ? value : "");
    }

    /// <summary>Every label as <c>a=1,b=2</c>, or &lt;none&gt;.</summary>
    public static Column All { get; } = new("LABELS", (o, _) => Cells.Labels(o.Metadata.Labels));

    /// <summary>The extra columns for <c>-L a,b -L c</c> and <c>--show-labels</c>, in kubectl's order (label columns, then LABELS).</summary>
    public static IReadOnlyList<Column> For(IEnumerable<string> labelColumns, bool showLabels)
    {
        ArgumentNullException.ThrowIfNull(labelColumns);
        var keys = labelColumns.SelectMany(l => l.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return [.. keys.Select(ForKey), .. showLabels ? [All] : Array.Empty<Column>()];
    }
}
