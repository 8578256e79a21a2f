using System.Globalization;
using Drover.Api;
using Drover.Api.Printing;
using Drover.Cli.Apply;
using Drover.Cli.Output;

namespace Drover.Cli.Describe;

/// <summary>
/// kubectl's describe PrefixWriter: two spaces per level, "Key:\tvalue" lines aligned per block by a
/// tabwriter (padding 2), so the output lines up the way kubectl users are used to reading it.
/// </summary>
internal sealed class DescribeWriter(DateTimeOffset now, TimeZoneInfo zone)
{
    private readonly TabWriter _tab = new(0, 2);

    public DateTimeOffset Now { get; } = now;

    public void Write(int level, string text) => _tab.Write(new string(' ', 2 * level) + text);

    public void Line(int level, string text) => Write(level, text + "\n");

    /// <summary>"Key:\tvalue".</summary>
    public void Field(int level, string key, string? value) => Line(level, key + ":\t" + (value ?? ""));

    /// <summary>kubectl's printLabelsMultiline: the first pair on the title line, the rest aligned under it.</summary>
    public void Map(int level, string title, IReadOnlyDictionary<string, string>? map, Func<string, string, string>? render = null)
    {
        Write(level, title + ":\t");
        if (map is not { Count: > 0 })
        {
            Write(0, Cells.None + "\n");
            return;
        }
        var first = true;
        foreach (var (key, value) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!first)
                Write(level, "\t");
            first = false;
            Write(0, (render ?? ((k, v) => k + "=" + v))(key, value) + "\n");
        }
    }

    /// <summary>Name, Namespace, CreationTimestamp, Labels, Annotations: what every describe starts with.</summary>
    public void Metadata(KubeObject obj, bool namespaced)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var meta = obj.Metadata;
        Field(0, "Name", meta.Name);
        if (namespaced)
            Field(0, "Namespace", meta.Namespace);
        Field(0, "CreationTimestamp", Timestamp(meta.CreationTimestamp));
        Map(0, "Labels", meta.Labels);
        // kubectl hides its own bookkeeping: the last-applied manifest is noise in a description.
        var annotations = meta.Annotations?.Where(p => p.Key != LastAppliedConfiguration.Annotation).ToDictionary(p => p.Key, p => p.Value);
        Map(0, "Annotations", annotations, (k, v) => $"{k}: {Shorten(v)}");
    }

    /// <summary>Go's RFC1123Z in the local zone, as kubectl prints times.</summary>
    public string Timestamp(DateTimeOffset? value)
    {
        if (value is not { } t)
            return "<unset>";
        var local = TimeZoneInfo.ConvertTime(t, zone);
        var offset = local.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        offset = offset.Duration();
        return local.ToString("ddd, dd MMM yyyy HH:mm:ss ", CultureInfo.InvariantCulture)
            + sign + offset.Hours.ToString("00", CultureInfo.InvariantCulture) + offset.Minutes.ToString("00", CultureInfo.InvariantCulture);
    }

    public string Age(DateTimeOffset? value) => HumanDuration.Since(value, Now);

    public string Flush() => _tab.Flush();

    private static string Shorten(string value)
    {
        var single = value.ReplaceLineEndings(" ");
        return single.Length > 200 ? single[..200] + "..." : single;
    }
}
