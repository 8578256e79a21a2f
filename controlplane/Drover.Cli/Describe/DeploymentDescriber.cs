using Drover.Api;
using Drover.Api.Printing;
using Drover.Cli.Output;

namespace Drover.Cli.Describe;

internal static class DeploymentDescriber
{
    public static void Write(DescribeWriter w, Deployment deployment)
    {
        var spec = deployment.Spec;
        var status = deployment.Status;
        w.Field(0, "Selector", Cells.Selector(spec.Selector));
        w.Field(0, "Replicas", FormattableString.Invariant(
            $"{spec.Replicas ?? 1} desired | {status?.UpdatedReplicas ?? 0} updated | {status?.Replicas ?? 0} total | {status?.AvailableReplicas ?? 0} available | {status?.UnavailableReplicas ?? 0} unavailable"));
        var strategy = spec.Strategy?.Type ?? "RollingUpdate";
        w.Field(0, "StrategyType", strategy);
        w.Field(0, "MinReadySeconds", Cells.Int(spec.MinReadySeconds));
        if (strategy == "RollingUpdate")
        {
            var rolling = spec.Strategy?.RollingUpdate;
            w.Field(0, "RollingUpdateStrategy", $"{rolling?.MaxUnavailable?.ToString() ?? "25%"} max unavailable, {rolling?.MaxSurge?.ToString() ?? "25%"} max surge");
        }
        PodTemplate(w, spec.Template);
        Describers.Conditions(w, status?.Conditions?.Select(c => (c.Type, c.Status, c.Reason)), withReason: true);
    }

    public static void PodTemplate(DescribeWriter w, PodTemplateSpec template)
    {
        w.Line(0, "Pod Template:");
        w.Map(1, "Labels", template.Metadata?.Labels);
        if (template.Metadata?.Annotations is { Count: > 0 } annotations)
            w.Map(1, "Annotations", annotations, (k, v) => $"{k}: {v}");
        ContainerSection.Write(w, 1, "Containers", template.Spec.Containers, null);
    }
}
