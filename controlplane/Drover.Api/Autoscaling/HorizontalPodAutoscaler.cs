namespace Drover.Api;

public sealed record HorizontalPodAutoscaler : KubeObject
{
    public HorizontalPodAutoscalerSpec Spec { get; init; } = new();
    public HorizontalPodAutoscalerStatus? Status { get; init; }

    public override KubeObject WithStatusFrom(KubeObject? other) => this with { Status = (other as HorizontalPodAutoscaler)?.Status };
}

public sealed record HorizontalPodAutoscalerSpec
{
    public CrossVersionObjectReference ScaleTargetRef { get; init; } = new();
    public int? MinReplicas { get; init; }
    public int MaxReplicas { get; init; }
    public List<MetricSpec>? Metrics { get; init; }
    public HorizontalPodAutoscalerBehavior? Behavior { get; init; }
}

public sealed record CrossVersionObjectReference
{
    public string? ApiVersion { get; init; }
    public string Kind { get; init; } = "";
    public string Name { get; init; } = "";
}

public sealed record MetricSpec
{
    public string Type { get; init; } = "";
    public ResourceMetricSource? Resource { get; init; }
}

public sealed record ResourceMetricSource
{
    public string Name { get; init; } = "";
    public MetricTarget Target { get; init; } = new();
}

public sealed record MetricTarget
{
    public string Type { get; init; } = "";
    public int? AverageUtilization { get; init; }
    public Quantity? AverageValue { get; init; }
    public Quantity? Value { get; init; }
}

public sealed record HorizontalPodAutoscalerBehavior
{
    public HpaScalingRules? ScaleUp { get; init; }
    public HpaScalingRules? ScaleDown { get; init; }
}

public sealed record HpaScalingRules
{
    public int? StabilizationWindowSeconds { get; init; }
    public string? SelectPolicy { get; init; }
    public List<HpaScalingPolicy>? Policies { get; init; }
}

public sealed record HpaScalingPolicy
{
    public string Type { get; init; } = "";
    public int Value { get; init; }
    public int PeriodSeconds { get; init; }
}

public sealed record HorizontalPodAutoscalerStatus
{
    public long? ObservedGeneration { get; init; }
    public DateTimeOffset? LastScaleTime { get; init; }
    public int? CurrentReplicas { get; init; }
    public int DesiredReplicas { get; init; }
    public List<MetricStatus>? CurrentMetrics { get; init; }
    public List<HorizontalPodAutoscalerCondition>? Conditions { get; init; }
}

public sealed record MetricStatus
{
    public string Type { get; init; } = "";
    public ResourceMetricStatus? Resource { get; init; }
}

public sealed record ResourceMetricStatus
{
    public string Name { get; init; } = "";
    public MetricValueStatus Current { get; init; } = new();
}

public sealed record MetricValueStatus
{
    public int? AverageUtilization { get; init; }
    public Quantity? AverageValue { get; init; }
    public Quantity? Value { get; init; }
}

public sealed record HorizontalPodAutoscalerCondition
{
    public string Type { get; init; } = "";
    public string Status { get; init; } = "";
    public DateTimeOffset? LastTransitionTime { get; init; }
    public string? Reason { get; init; }
    public string? Message { get; init; }
}
