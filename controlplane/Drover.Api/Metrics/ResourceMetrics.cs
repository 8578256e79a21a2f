namespace Drover.Api;

/// <summary>metrics.k8s.io/v1beta1 NodeMetrics, as metrics-server serves it (cpu in nanocores, memory in bytes).</summary>
public sealed record NodeMetrics
{
    public const string GroupVersion = "metrics.k8s.io/v1beta1";

    public string ApiVersion { get; init; } = GroupVersion;
    public string Kind { get; init; } = "NodeMetrics";
    public ObjectMeta Metadata { get; init; } = new();
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>The span the usage was averaged over, as a Go duration ("15s").</summary>
    public string Window { get; init; } = "";
    public Dictionary<string, Quantity> Usage { get; init; } = [];
}

public sealed record NodeMetricsList
{
    public string ApiVersion { get; init; } = NodeMetrics.GroupVersion;
    public string Kind { get; init; } = "NodeMetricsList";
    public ListMeta Metadata { get; init; } = new();
    public List<NodeMetrics> Items { get; init; } = [];
}

/// <summary>metrics.k8s.io/v1beta1 PodMetrics: per container usage over the window ending at the timestamp.</summary>
public sealed record PodMetrics
{
    public string ApiVersion { get; init; } = NodeMetrics.GroupVersion;
    public string Kind { get; init; } = "PodMetrics";
    public ObjectMeta Metadata { get; init; } = new();
    public DateTimeOffset Timestamp { get; init; }
    public string Window { get; init; } = "";
    public List<ContainerMetrics> Containers { get; init; } = [];
}

public sealed record ContainerMetrics
{
    public string Name { get; init; } = "";
    public Dictionary<string, Quantity> Usage { get; init; } = [];
}

public sealed record PodMetricsList
{
    public string ApiVersion { get; init; } = NodeMetrics.GroupVersion;
    public string Kind { get; init; } = "PodMetricsList";
    public ListMeta Metadata { get; init; } = new();
    public List<PodMetrics> Items { get; init; } = [];
}
