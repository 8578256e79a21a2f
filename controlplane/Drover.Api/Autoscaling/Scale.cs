namespace Drover.Api;

/// <summary>autoscaling/v1 Scale, served by the /scale subresource of Deployments and ReplicaSets.</summary>
public sealed record Scale : KubeObject
{
    public ScaleSpec Spec { get; init; } = new();
    public ScaleStatus? Status { get; init; }

    public override KubeObject WithStatusFrom(KubeObject? other) => this with { Status = (other as Scale)?.Status };
}

public sealed record ScaleSpec
{
    public int? Replicas { get; init; }
}

public sealed record ScaleStatus
{
    public int Replicas { get; init; }
    public string? Selector { get; init; }
}
