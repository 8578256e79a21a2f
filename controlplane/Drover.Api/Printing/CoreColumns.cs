using Drover.Api;

namespace Drover.Api.Printing;

/// <summary>The small kinds: namespaces, config maps, secrets, events, leases.</summary>
public static class CoreColumns
{
    public static IReadOnlyList<Column> Namespaces { get; } =
    [
        Column.Name,
        Column.Of<Namespace>("STATUS", n => n.Status?.Phase ?? "Active"),
        Column.Age,
    ];

    public static IReadOnlyList<Column> ConfigMaps { get; } =
    [
        Column.Name,
        Column.Of<ConfigMap>("DATA", c => Cells.Int((c.Data?.Count ?? 0) + (c.BinaryData?.Count ?? 0))),
        Column.Age,
    ];

    public static IReadOnlyList<Column> Secrets { get; } =
    [
        Column.Name,
        Column.Of<Secret>("TYPE", s => s.Type ?? "Opaque"),
        Column.Of<Secret>("DATA", s => Cells.Int(s.Data?.Count ?? 0)),
        Column.Age,
    ];

    public static IReadOnlyList<Column> Events { get; } =
    [
        Column.Of<Event>("LAST SEEN", (e, now) => HumanDuration.Since(LastSeen(e), now)),
        Column.Of<Event>("TYPE", e => e.Type ?? ""),
        Column.Of<Event>("REASON", e => e.Reason ?? ""),
        Column.Of<Event>("OBJECT", e => $"{e.InvolvedObject.Kind?.ToLowerInvariant()}/{e.InvolvedObject.Name}"),
        Column.Of<Event>("MESSAGE", e => (e.Message ?? "").ReplaceLineEndings(" ").Trim()),
    ];

    public static IReadOnlyList<Column> Leases { get; } =
    [
        Column.Name,
        Column.Of<Lease>("HOLDER", l => l.Spec.HolderIdentity ?? ""),
        Column.Age,
    ];

    public static IReadOnlyList<Column> Generic { get; } = [Column.Name, Column.Age];

    public static DateTimeOffset? LastSeen(Event e) => e.LastTimestamp ?? e.FirstTimestamp ?? e.Metadata.CreationTimestamp;
}
