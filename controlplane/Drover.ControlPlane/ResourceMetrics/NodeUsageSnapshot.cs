using Drover.Api;

namespace Drover.ControlPlane.ResourceMetrics;

/// <summary>
/// The usage rates derived from a node's last two reports: the node's own and each pod's whose every container had a
/// sample in both (metrics-server likewise leaves out a pod it cannot cover whole). Immutable; replaced per report.
/// </summary>
internal sealed record NodeUsageSnapshot(
    NodeMetrics? Node,
    IReadOnlyDictionary<(string Namespace, string Name), PodRate> Pods,
    NodeUsageReport Report,
    DateTimeOffset ReceivedAt);

/// <summary>A pod's metrics and the span they cover (the longest of its containers' sample intervals).</summary>
internal sealed record PodRate(PodMetrics Metrics, TimeSpan Window);
