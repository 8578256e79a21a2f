namespace Drover.ControlPlane.Controllers.Autoscaling;

/// <summary>
/// What one metric asks for: a replica count and the current value the HPA status reports (utilization in percent of
/// requests for Utilization targets, and the average per pod in milli-units either way) — or why it cannot say.
/// </summary>
public sealed record ReplicaProposal
{
    public int Replicas { get; init; }
    public int? Utilization { get; init; }
    public long AverageMilliValue { get; init; }

    /// <summary>Set when no proposal could be made (Kubernetes' error from the replica calculator), as the user reads it.</summary>
    public string? Error { get; init; }

    public static ReplicaProposal Failed(string error) => new() { Replicas = -1, Error = error };
}
