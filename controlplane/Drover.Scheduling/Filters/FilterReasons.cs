namespace Drover.Scheduling;

/// <summary>
/// Rejection reasons, word for word as kube-scheduler writes them, because users search for these
/// strings and the unschedulable message counts nodes by them.
/// </summary>
public static class FilterReasons
{
    public const string NodeNotReady = "node(s) were not ready";
    public const string NodeUnschedulable = "node(s) were unschedulable";
    public const string NodeSelectorMismatch = "node(s) didn't match Pod's node affinity/selector";
    public const string InsufficientCpu = "Insufficient cpu";
    public const string InsufficientMemory = "Insufficient memory";
    public const string TooManyPods = "Too many pods";
}
