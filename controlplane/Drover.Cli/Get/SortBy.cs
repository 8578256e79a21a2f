using System.Text.Json;
using Drover.Api;
using Drover.Cli.Output;
using Drover.Cli.Output.JsonPath;

namespace Drover.Cli.Get;

/// <summary>
/// `--sort-by=.metadata.creationTimestamp`: orders the objects of each kind by the first value the path finds in them,
/// numbers by value and everything else by text (RFC 3339 times sort as text); objects without the field come first.
/// </summary>
internal sealed class SortBy(JsonPathExpression path)
{
    public static SortBy? Parse(string? text) => string.IsNullOrEmpty(text) ? null : new SortBy(OutputFormats.RelaxedPath(text));

    public List<KubeObject> Sort(ResourceType type, IEnumerable<KubeObject> items)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(items);
        var keyed = items.Select(i => (Item: i, Key: Key(type, i))).ToList();
        // A stable sort, so equal keys keep the server's order (by name), as kubectl's does.
        return keyed.Select((k, index) => (k.Item, k.Key, index))
            .OrderBy(k => k, Comparer<(KubeObject Item, SortKey Key, int Index)>.Create((a, b) => a.Key.CompareTo(b.Key) is var c && c != 0 ? c : a.Index.CompareTo(b.Index)))
            .Select(k => k.Item)
            .ToList();
    }

    private SortKey Key(ResourceType type, KubeObject item)
    {
        using var document = JsonDocument.Parse(JsonOutput.Object(type, item));
        var values = JsonPathEvaluator.Evaluate(path, document.RootElement, document.RootElement);
        if (values.Count == 0 || values[0].ValueKind == JsonValueKind.Null)
            return new SortKey(false, null, null);
        var first = values[0];
        return first.ValueKind == JsonValueKind.Number
            ? new SortKey(true, first.GetDouble(), null)
            : new SortKey(true, null, JsonPathEvaluator.Text(first));
    }

    private readonly record struct SortKey(bool Present, double? Number, string? Text) : IComparable<SortKey>
    {
        public int CompareTo(SortKey other)
        {
            if (Present != other.Present)
                return Present ? 1 : -1;
            if (Number is { } a && other.Number is { } b)
                return a.CompareTo(b);
            if (Number is not null != other.Number is not null)
                return Number is not null ? -1 : 1;
            return string.CompareOrdinal(Text, other.Text);
        }
    }
}
