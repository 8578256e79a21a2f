namespace Drover.Api;

public sealed record Lease : KubeObject
{
    public LeaseSpec Spec { get; init; } = new();

    public override KubeObject WithStatusFrom(KubeObject? other) => this;
}

public sealed record LeaseSpec
{
    public string? HolderIdentity { get; init; }
    public int? LeaseDurationSeconds { get; init; }
    public DateTimeOffset? AcquireTime { get; init; }
    public DateTimeOffset? RenewTime { get; init; }
    public int? LeaseTransitions { get; init; }
}
