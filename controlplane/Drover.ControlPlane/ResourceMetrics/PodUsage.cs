namespace Drover.ControlPlane.ResourceMetrics;

/// <summary>
/// One pod's usage of one resource, summed over its containers, in milli-units (millicores for cpu, milli-bytes for
/// memory — the unit Kubernetes' replica calculator uses for both), measured over <see cref="Window"/> ending at
/// <see cref="Timestamp"/>.
/// </summary>
public readonly record struct PodUsage(long MilliValue, DateTimeOffset Timestamp, TimeSpan Window);
