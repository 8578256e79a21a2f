namespace Drover.Api;

/// <summary>
/// Kubernetes SetDefaults_HorizontalPodAutoscaler and _HorizontalPodAutoscalerBehavior (autoscaling/v2):
/// one replica minimum, 80% CPU when no metric is given, and the documented scaling policies for any
/// part of a given behavior left out.
/// </summary>
internal static class HorizontalPodAutoscalerDefaults
{
    public const int DefaultCpuUtilization = 80;
    private const int ScaleUpPeriodSeconds = 15;
    private const int ScaleDownPeriodSeconds = 15;

    public static HorizontalPodAutoscaler Apply(HorizontalPodAutoscaler hpa)
    {
        var spec = hpa.Spec;
        if (spec is null)
            return hpa;
        return hpa with
        {
            Spec = spec with
            {
                MinReplicas = spec.MinReplicas ?? 1,
                Metrics = spec.Metrics is { Count: > 0 } ? new List<MetricSpec>(spec.Metrics) : DefaultMetrics(),
                Behavior = spec.Behavior is null ? null : spec.Behavior with
                {
                    ScaleUp = Fill(spec.Behavior.ScaleUp, 0,
                        [new HpaScalingPolicy { Type = "Pods", Value = 4, PeriodSeconds = ScaleUpPeriodSeconds },
                         new HpaScalingPolicy { Type = "Percent", Value = 100, PeriodSeconds = ScaleUpPeriodSeconds }]),
                    // No window default for scale-down: the controller's 300 s applies, as in Kubernetes.
                    ScaleDown = Fill(spec.Behavior.ScaleDown, null,
                        [new HpaScalingPolicy { Type = "Percent", Value = 100, PeriodSeconds = ScaleDownPeriodSeconds }]),
                },
            },
        };
    }

    private static List<MetricSpec> DefaultMetrics() =>
    [
        new MetricSpec
        {
            Type = "Resource",
            Resource = new ResourceMetricSource
            {
                Name = "cpu",
                Target = new MetricTarget { Type = "Utilization", AverageUtilization = DefaultCpuUtilization },
            },
        },
    ];

    private static HpaScalingRules Fill(HpaScalingRules? rules, int? window, List<HpaScalingPolicy> policies) => new()
    {
        StabilizationWindowSeconds = rules?.StabilizationWindowSeconds ?? window,
        SelectPolicy = rules?.SelectPolicy ?? "Max",
        Policies = rules?.Policies is { } given ? new List<HpaScalingPolicy>(given) : policies,
    };
}
