using System.Text.Json.Serialization;

namespace Drover.Api;

/// <summary>
/// Source-generated metadata for the resource-metrics types, apart from <see cref="ApiJsonContext"/> because they are
/// not stored objects: the agent's usage report and the metrics.k8s.io views droverd serves. Same strictness.
/// </summary>
[JsonSourceGenerationOptions(
    MaxDepth = InputLimits.MaxDepth,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    AllowDuplicateProperties = false,
    Converters = [typeof(KubeTimeJsonConverter)])]
[JsonSerializable(typeof(NodeUsageReport))]
[JsonSerializable(typeof(NodeMetrics))]
[JsonSerializable(typeof(NodeMetricsList))]
[JsonSerializable(typeof(PodMetrics))]
[JsonSerializable(typeof(PodMetricsList))]
public sealed partial class MetricsJsonContext : JsonSerializerContext;
