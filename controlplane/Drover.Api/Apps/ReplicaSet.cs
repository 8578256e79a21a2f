namespace Drover.Api;

public sealed record ReplicaSet : KubeObject
{
    public ReplicaSetSpec Spec { get; init; } = new();
    public ReplicaSetStatus? Status { get; init; }

    public override KubeObject WithStatusFrom(KubeObject? other) => this with { Status = (other as ReplicaSet)?.Status };
}

public sealed record ReplicaSetSpec
{
    public int? Replicas { get; init; }
    public int? MinReadySeconds { get; init; }
    public LabelSelector? Selector { get; init; }
    public PodTemplateSpec Template { get; init; } = new();
}

public sealed record ReplicaSetStatus
{
    public int Replicas { get; init; }
    public int? FullyLabeledReplicas { get; init; }
    public int? ReadyReplicas { get; init; }
    public int? AvailableReplicas { get; init; }
    public long? ObservedGeneration { get; init; }
    public List<ReplicaSetCondition>? Conditions { get; init; }
}

public sealed record ReplicaSetCondition
{
    public string Type { get; init; } = "";
    public string Status { get; init; } = "";
    public DateTimeOffset? LastTransitionTime { get; init; }
    public string? Reason { get; init; }
    public string? Message { get; init; }
}
