namespace Drover.Api;

public sealed record ConfigMap : KubeObject
{
    public Dictionary<string, string>? Data { get; init; }
    public Dictionary<string, byte[]>? BinaryData { get; init; }
    public bool? Immutable { get; init; }

    public override KubeObject WithStatusFrom(KubeObject? other) => this;
}
