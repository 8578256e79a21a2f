namespace Drover.Api;

public sealed record Secret : KubeObject
{
    public string? Type { get; init; }
    public Dictionary<string, byte[]>? Data { get; init; }
    /// <summary>Write-only convenience: merged into <see cref="Data"/> by the server, never stored.</summary>
    public Dictionary<string, string>? StringData { get; init; }
    public bool? Immutable { get; init; }

    public override KubeObject WithStatusFrom(KubeObject? other) => this;
}
