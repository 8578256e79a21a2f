using Drover.Api;

namespace Drover.Api.Printing;

public static class AutoscalingColumns
{
    public static IReadOnlyList<Column> HorizontalPodAutoscalers { get; } =
    [
        Column.Name,
        Column.Of<HorizontalPodAutoscaler>("REFERENCE", h => $"{h.Spec.ScaleTargetRef.Kind}/{h.Spec.ScaleTargetRef.Name}"),
        Column.Of<HorizontalPodAutoscaler>("TARGETS", h => Targets(h)),
        Column.Of<HorizontalPodAutoscaler>("MINPODS", h => h.Spec.MinReplicas is { } min ? Cells.Int(min) : "<unset>"),
        Column.Of<HorizontalPodAutoscaler>("MAXPODS", h => Cells.Int(h.Spec.MaxReplicas)),
        Column.Of<HorizontalPodAutoscaler>("REPLICAS", h => Cells.Int(h.Status?.CurrentReplicas)),
        Column.Age,
    ];

    /// <summary>"45%/70%" per metric, comma-separated (kubectl before 1.30, as the issue asks), "&lt;unknown&gt;/70%" until the controller has measured.</summary>
    public static string Targets(HorizontalPodAutoscaler hpa)
    {
        if (hpa.Spec.Metrics is not { Count: > 0 } metrics)
            return Cells.None;
        var parts = new List<string>();
        foreach (var metric in metrics)
        {
            if (metric.Resource is not { } resource)
            {
                parts.Add("<unknown>");
                continue;
            }
            var current = hpa.Status?.CurrentMetrics?.FirstOrDefault(m => m.Resource?.Name == resource.Name)?.Resource?.Current;
            var target = resource.Target;
            string now, goal;
            if (target.AverageUtilization is { } utilization)
            {
                goal = Cells.Int(utilization) + "%";
                now = current?.AverageUtilization is { } u ? Cells.Int(u) + "%" : "<unknown>";
            }
            else if (target.AverageValue is { } averageValue)
            {
                goal = averageValue.ToString();
                now = current?.AverageValue?.ToString() ?? "<unknown>";
            }
            else
            {
                goal = target.Value?.ToString() ?? "<unknown>";
                now = current?.Value?.ToString() ?? "<unknown>";
            }
            parts.Add($"{now}/{goal}");
        }
        return string.Join(", ", parts);
    }
}
