namespace Drover.Api;

public sealed record KubeList<T> where T : KubeObject
{
    public string? ApiVersion { get; init; }
    public string? Kind { get; init; }
    public ListMeta Metadata { get; init; } = new();
    public List<T> Items { get; init; } = [];
}
