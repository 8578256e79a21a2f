namespace Drover.Api;

public sealed record Deployment : KubeObject
{
    public DeploymentSpec Spec { get; init; } = new();
    public DeploymentStatus? Status { get; init; }

    public override KubeObject WithStatusFrom(KubeObject? other) => this with { Status = (other as Deployment)?.Status };
}

public sealed record DeploymentSpec
{
    public int? Replicas { get; init; }
    public LabelSelector? Selector { get; init; }
    public PodTemplateSpec Template { get; init; } = new();
    public DeploymentStrategy? Strategy { get; init; }
    public int? MinReadySeconds { get; init; }
    public int? RevisionHistoryLimit { get; init; }
    public bool? Paused { get; init; }
    public int? ProgressDeadlineSeconds { get; init; }
}

public sealed record DeploymentStrategy
{
    public string? Type { get; init; }
    public RollingUpdateDeployment? RollingUpdate { get; init; }
}

public sealed record RollingUpdateDeployment
{
    public IntOrString? MaxUnavailable { get; init; }
    public IntOrString? MaxSurge { get; init; }
}

public sealed record DeploymentStatus
{
    public long? ObservedGeneration { get; init; }
    public int? Replicas { get; init; }
    public int? UpdatedReplicas { get; init; }
    public int? ReadyReplicas { get; init; }
    public int? AvailableReplicas { get; init; }
    public int? UnavailableReplicas { get; init; }
    public List<DeploymentCondition>? Conditions { get; init; }
    public int? CollisionCount { get; init; }
}

public sealed record DeploymentCondition
{
    public string Type { get; init; } = "";
    public string Status { get; init; } = "";
    public DateTimeOffset? LastUpdateTime { get; init; }
    public DateTimeOffset? LastTransitionTime { get; init; }
    public string? Reason { get; init; }
    public string? Message { get; init; }
}
