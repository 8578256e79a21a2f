using System.Globalization;
using Drover.Api;
using Drover.Api.Printing;

namespace Drover.Cli.Describe;

/// <summary>The `Events:` table every describe ends with (oldest first, kubectl's "3m (x4 over 10m)" ages).</summary>
internal static class EventsSection
{
    public static void Write(DescribeWriter w, IReadOnlyList<Event> events)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            w.Line(0, "Events: <none>");
            return;
        }
        w.Line(0, "Events:");
        w.Line(1, "Type\tReason\tAge\tFrom\tMessage");
        w.Line(1, "----\t------\t----\t----\t-------");
        foreach (var e in events.OrderBy(e => e.FirstTimestamp ?? e.LastTimestamp ?? e.Metadata.CreationTimestamp))
        {
            var last = e.LastTimestamp ?? e.FirstTimestamp ?? e.Metadata.CreationTimestamp;
            var age = w.Age(last);
            if (e.Count is > 1 && e.FirstTimestamp is { } first)
                age = $"{age} (x{e.Count.Value.ToString(CultureInfo.InvariantCulture)} over {w.Age(first)})";
            var from = e.Source?.Component ?? e.ReportingComponent ?? "";
            w.Line(1, $"{e.Type}\t{e.Reason}\t{age}\t{from}\t{(e.Message ?? "").Trim()}");
        }
    }
}
