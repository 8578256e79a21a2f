using Drover.Api;

namespace Drover.Api.Printing;

public static class WorkloadColumns
{
    public static IReadOnlyList<Column> Deployments { get; } =
    [
        Column.Name,
        // The server defaults replicas to 1; an undefaulted object reads the same way.
        Column.Of<Deployment>("READY", d => $"{Cells.Int(d.Status?.ReadyReplicas)}/{d.Spec.Replicas ?? 1}"),
        Column.Of<Deployment>("UP-TO-DATE", d => Cells.Int(d.Status?.UpdatedReplicas)),
        Column.Of<Deployment>("AVAILABLE", d => Cells.Int(d.Status?.AvailableReplicas)),
        Column.Age,
        Column.Of<Deployment>("CONTAINERS", d => Containers(d.Spec.Template), wideOnly: true),
        Column.Of<Deployment>("IMAGES", d => Images(d.Spec.Template), wideOnly: true),
        Column.Of<Deployment>("SELECTOR", d => Cells.Selector(d.Spec.Selector), wideOnly: true),
    ];

    public static IReadOnlyList<Column> ReplicaSets { get; } =
    [
        Column.Name,
        Column.Of<ReplicaSet>("DESIRED", r => Cells.Int(r.Spec.Replicas ?? 1)),
        Column.Of<ReplicaSet>("CURRENT", r => Cells.Int(r.Status?.Replicas)),
        Column.Of<ReplicaSet>("READY", r => Cells.Int(r.Status?.ReadyReplicas)),
        Column.Age,
        Column.Of<ReplicaSet>("CONTAINERS", r => Containers(r.Spec.Template), wideOnly: true),
        Column.Of<ReplicaSet>("IMAGES", r => Images(r.Spec.Template), wideOnly: true),
        Column.Of<ReplicaSet>("SELECTOR", r => Cells.Selector(r.Spec.Selector), wideOnly: true),
    ];

    /// <summary>kubectl's printDaemonSet.</summary>
    public static IReadOnlyList<Column> DaemonSets { get; } =
    [
        Column.Name,
        Column.Of<DaemonSet>("DESIRED", d => Cells.Int(d.Status?.DesiredNumberScheduled)),
        Column.Of<DaemonSet>("CURRENT", d => Cells.Int(d.Status?.CurrentNumberScheduled)),
        Column.Of<DaemonSet>("READY", d => Cells.Int(d.Status?.NumberReady)),
        Column.Of<DaemonSet>("UP-TO-DATE", d => Cells.Int(d.Status?.UpdatedNumberScheduled)),
        Column.Of<DaemonSet>("AVAILABLE", d => Cells.Int(d.Status?.NumberAvailable)),
        Column.Of<DaemonSet>("NODE SELECTOR", d => Cells.Labels(d.Spec.Template.Spec.NodeSelector)),
        Column.Age,
        Column.Of<DaemonSet>("CONTAINERS", d => Containers(d.Spec.Template), wideOnly: true),
        Column.Of<DaemonSet>("IMAGES", d => Images(d.Spec.Template), wideOnly: true),
        Column.Of<DaemonSet>("SELECTOR", d => Cells.Selector(d.Spec.Selector), wideOnly: true),
    ];

    /// <summary>kubectl's printControllerRevision: the owner as kind.group/name.</summary>
    public static IReadOnlyList<Column> ControllerRevisions { get; } =
    [
        Column.Name,
        Column.Of<ControllerRevision>("CONTROLLER", r => r.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true) is { } owner
            ? $"{Qualified(owner)}/{owner.Name}" : Cells.None),
        Column.Of<ControllerRevision>("REVISION", r => r.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Column.Age,
    ];

    private static string Qualified(OwnerReference owner)
    {
        var slash = owner.ApiVersion.IndexOf('/', StringComparison.Ordinal);
        var kind = owner.Kind.ToLowerInvariant();
        return slash < 0 ? kind : kind + "." + owner.ApiVersion[..slash];
    }

    internal static string Containers(PodTemplateSpec template) => Cells.Join(template.Spec.Containers.Select(c => c.Name));

    internal static string Images(PodTemplateSpec template) => Cells.Join(template.Spec.Containers.Select(c => c.Image));
}
