namespace Drover.Api;

/// <summary>Taint keys the system sets (k8s.io/api's well_known_taints.go), defined once.</summary>
public static class WellKnownTaints
{
    /// <summary>The node's lease went unrenewed: the node lifecycle controller's NoSchedule/NoExecute taint.</summary>
    public const string Unreachable = "node.kubernetes.io/unreachable";

    /// <summary>spec.unschedulable as a taint (cordon), as the scheduler sees it.</summary>
    public const string Unschedulable = "node.kubernetes.io/unschedulable";
}
