using System.Globalization;
using Drover.Api;
using Drover.Api.Printing;
using Drover.Cli.Output;

namespace Drover.Cli.Describe;

/// <summary>kubectl's description of an autoscaling/v2 HorizontalPodAutoscaler: metrics as current / target, bounds, the
/// target's current and desired pods, the scaling behavior if set, and the conditions with their messages.</summary>
internal static class HpaDescriber
{
    public static void Write(DescribeWriter w, HorizontalPodAutoscaler hpa)
    {
        var spec = hpa.Spec;
        var status = hpa.Status;
        w.Field(0, "Reference", $"{spec.ScaleTargetRef.Kind}/{spec.ScaleTargetRef.Name}");
        w.Field(0, "Metrics", "( current / target )");
        foreach (var metric in spec.Metrics ?? [])
        {
            if (metric.Resource is not { } resource)
            {
                w.Field(1, $"{metric.Type} metric", "<unknown> / <unknown>");
                continue;
            }
            var current = status?.CurrentMetrics?.FirstOrDefault(m => m.Resource?.Name == resource.Name)?.Resource?.Current;
            if (resource.Target.AverageUtilization is { } percent)
            {
                var now = current?.AverageUtilization is { } u
                    ? $"{u.ToString(CultureInfo.InvariantCulture)}% ({current.AverageValue?.ToString() ?? "<unknown>"})"
                    : "<unknown>";
                w.Field(1, $"resource {resource.Name} on pods  (as a percentage of request)", $"{now} / {percent.ToString(CultureInfo.InvariantCulture)}%");
            }
            else
            {
                w.Field(1, $"resource {resource.Name} on pods", $"{current?.AverageValue?.ToString() ?? "<unknown>"} / {resource.Target.AverageValue?.ToString() ?? "<unknown>"}");
            }
        }
        w.Field(0, "Min replicas", Cells.Int(spec.MinReplicas ?? 1));
        w.Field(0, "Max replicas", Cells.Int(spec.MaxReplicas));
        if (spec.Behavior is { } behavior)
        {
            w.Line(0, "Behavior:");
            Rules(w, "Scale Up", behavior.ScaleUp);
            Rules(w, "Scale Down", behavior.ScaleDown);
        }
        w.Field(0, $"{spec.ScaleTargetRef.Kind} pods", $"{Cells.Int(status?.CurrentReplicas)} current / {Cells.Int(status?.DesiredReplicas)} desired");
        var conditions = status?.Conditions ?? [];
        if (conditions.Count == 0)
        {
            w.Field(0, "Conditions", "<none>");
            return;
        }
        w.Line(0, "Conditions:");
        w.Line(1, "Type\tStatus\tReason\tMessage");
        w.Line(1, "----\t------\t------\t-------");
        foreach (var c in conditions)
            w.Line(1, $"{c.Type}\t{c.Status}\t{c.Reason}\t{c.Message}");
    }

    private static void Rules(DescribeWriter w, string title, HpaScalingRules? rules)
    {
        if (rules is null)
            return;
        w.Line(1, title + ":");
        if (rules.StabilizationWindowSeconds is { } window)
            w.Field(2, "Stabilization Window", $"{window.ToString(CultureInfo.InvariantCulture)} seconds");
        w.Field(2, "Select Policy", rules.SelectPolicy ?? "Max");
        w.Line(2, "Policies:");
        foreach (var policy in rules.Policies ?? [])
            w.Line(3, FormattableString.Invariant($"- Type: {policy.Type}  Value: {policy.Value}  Period: {policy.PeriodSeconds} seconds"));
    }
}
