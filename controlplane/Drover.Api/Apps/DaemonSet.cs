namespace Drover.Api;

/// <summary>apps/v1 DaemonSet: one pod on every node that matches its template's nodeSelector and tolerations.</summary>
public sealed record DaemonSet : KubeObject
{
    public DaemonSetSpec Spec { get; init; } = new();
    public DaemonSetStatus? Status { get; init; }

    public override KubeObject WithStatusFrom(KubeObject? other) => this with { Status = (other as DaemonSet)?.Status };
}

public sealed record DaemonSetSpec
{
    public LabelSelector? Selector { get; init; }
    public PodTemplateSpec Template { get; init; } = new();
    public DaemonSetUpdateStrategy? UpdateStrategy { get; init; }
    public int? MinReadySeconds { get; init; }
    public int? RevisionHistoryLimit { get; init; }
}

public sealed record DaemonSetUpdateStrategy
{
    /// <summary>RollingUpdate or OnDelete.</summary>
    public string? Type { get; init; }
    public RollingUpdateDaemonSet? RollingUpdate { get; init; }
}

public sealed record RollingUpdateDaemonSet
{
    public IntOrString? MaxUnavailable { get; init; }
    public IntOrString? MaxSurge { get; init; }
}

public sealed record DaemonSetStatus
{
    public int CurrentNumberScheduled { get; init; }
    public int NumberMisscheduled { get; init; }
    public int DesiredNumberScheduled { get; init; }
    public int NumberReady { get; init; }
    public long? ObservedGeneration { get; init; }
    public int? UpdatedNumberScheduled { get; init; }
    public int? NumberAvailable { get; init; }
    public int? NumberUnavailable { get; init; }
    public int? CollisionCount { get; init; }
    public List<DaemonSetCondition>? Conditions { get; init; }
}

public sealed record DaemonSetCondition
{
    public string Type { get; init; } = "";
    public string Status { get; init; } = "";
    public DateTimeOffset? LastTransitionTime { get; init; }
    public string? Reason { get; init; }
    public string? Message { get; init; }
}
