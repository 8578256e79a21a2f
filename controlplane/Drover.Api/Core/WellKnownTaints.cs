namespace Drover.Api;

/// <summary>Taint keys the system sets (k8s.io/api's well_known_taints.go), defined once.</summary>
public static class WellKnownTaints
{
    /// <summary>The node's lease went unrenewed: the node lifecycle controller's NoSchedule/NoExecute taint.</summary>
    public const string Unreachable = "node.kubernetes.io/unreachable";

    /// <summary>spec.unschedulable as a taint (cordon), as the scheduler sees it.</summary>
    public const string Unschedulable = "node.kubernetes.io/unschedulable";

    /// <summary>The node's Ready condition is False.</summary>
    public const string NotReady = "node.kubernetes.io/not-ready";

    public const string DiskPressure = "node.kubernetes.io/disk-pressure";
    public const string MemoryPressure = "node.kubernetes.io/memory-pressure";
    public const string PidPressure = "node.kubernetes.io/pid-pressure";

    /// <summary>The node's pod network is not up (its NetworkUnavailable condition is True).</summary>
    public const string NetworkUnavailable = "node.kubernetes.io/network-unavailable";
}
