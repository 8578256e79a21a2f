namespace Drover.Api;

public sealed record Namespace : KubeObject
{
    public NamespaceSpec? Spec { get; init; }
    public NamespaceStatus? Status { get; init; }

    public override KubeObject WithStatusFrom(KubeObject? other) => this with { Status = (other as Namespace)?.Status };
}

public sealed record NamespaceSpec
{
    public List<string>? Finalizers { get; init; }
}

public sealed record NamespaceStatus
{
    public string? Phase { get; init; }
}
