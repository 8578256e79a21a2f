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

    private static string Containers(PodTemplateSpec template) => Cells.Join(template.Spec.Containers.Select(c => c.Name));

    private static string Images(PodTemplateSpec template) => Cells.Join(template.Spec.Containers.Select(c => c.Image));
}
