using System.Text.Json.Serialization;

namespace Drover.ControlPlane.Observability;

/// <summary>
/// One entry of Prometheus' HTTP service discovery answer: targets (host:port) that share labels. Labels
/// starting with <c>__meta_</c> are there for relabelling and dropped by Prometheus afterwards.
/// </summary>
internal sealed record PrometheusTargetGroup(List<string> Targets, SortedDictionary<string, string> Labels);

/// <summary>Source-generated (Native AOT) serialisation of the service-discovery answer: <c>[{"targets":[…],"labels":{…}}]</c>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(List<PrometheusTargetGroup>))]
internal sealed partial class PrometheusJsonContext : JsonSerializerContext;
