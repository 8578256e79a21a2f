namespace Drover.Api;

public sealed record IngressClass : KubeObject
{
    public IngressClassSpec Spec { get; init; } = new();

    public override KubeObject WithStatusFrom(KubeObject? other) => this;
}

public sealed record IngressClassSpec
{
    public string? Controller { get; init; }
}
