using Drover.Api;

namespace Drover.ControlPlane.Controllers.Autoscaling;

/// <summary>
/// What one sync of an HPA decided: the replica count to set (when <see cref="Rescale"/>), the status to write, and a
/// warning to record as an Event when a metric could not be computed.
/// </summary>
public sealed record HpaPlan
{
    public required int CurrentReplicas { get; init; }
    public required int DesiredReplicas { get; init; }
    public bool Rescale { get; init; }
    public string? RescaleReason { get; init; }
    public required List<MetricStatus> CurrentMetrics { get; init; }
    public required HpaConditions Conditions { get; init; }
    public (string Reason, string Message)? Warning { get; init; }
}
