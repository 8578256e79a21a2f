namespace Drover.Api;

public sealed record Event : KubeObject
{
    public ObjectReference InvolvedObject { get; init; } = new();
    public string? Reason { get; init; }
    public string? Message { get; init; }
    public EventSource? Source { get; init; }
    public DateTimeOffset? FirstTimestamp { get; init; }
    public DateTimeOffset? LastTimestamp { get; init; }
    public int? Count { get; init; }
    public string? Type { get; init; }
    public string? ReportingComponent { get; init; }
    public string? ReportingInstance { get; init; }

    public override KubeObject WithStatusFrom(KubeObject? other) => this;
}

public sealed record EventSource
{
    public string? Component { get; init; }
    public string? Host { get; init; }
}
