namespace Drover.Scheduling;

/// <summary>What <see cref="Scheduler.Decide(ClusterSnapshot, PodInfo)"/> concluded: a <see cref="Placement"/> or <see cref="Unschedulable"/>.</summary>
public abstract record SchedulingDecision
{
    private protected SchedulingDecision()
    {
    }
}

/// <summary>
/// The pod goes to <paramref name="NodeName"/>. <paramref name="Scores"/> breaks the winning node's
/// <paramref name="Score"/> down per scorer (as Nomad's score metadata does), for logs and debugging.
/// </summary>
public sealed record Placement(
    string NodeName,
    long Score,
    IReadOnlyList<ScoreDetail> Scores,
    int FeasibleNodes,
    int EvaluatedNodes) : SchedulingDecision;

/// <summary>One scorer's part in a placement: its 0–100 score for the chosen node and its weight.</summary>
public sealed record ScoreDetail(string Scorer, long Score, int Weight);

/// <summary>
/// No node can take the pod. <paramref name="Message"/> is kube-scheduler's
/// (<c>0/3 nodes are available: 3 Insufficient cpu.</c>) for the PodScheduled condition and the
/// FailedScheduling event; <paramref name="Rejections"/> says per node which filter said no and why.
/// </summary>
public sealed record Unschedulable(
    string Message,
    IReadOnlyList<NodeRejection> Rejections,
    int EvaluatedNodes) : SchedulingDecision
{
    /// <summary>The PodScheduled=False condition reason Kubernetes uses.</summary>
    public const string ConditionReason = "Unschedulable";

    /// <summary>The FailedScheduling event reason Kubernetes uses.</summary>
    public const string EventReason = "FailedScheduling";

    /// <summary>
    /// The filters that turned nodes down (kube-scheduler's UnschedulablePlugins), so a caller can tell
    /// which cluster changes could help: a pod going away only matters to a pod that
    /// <see cref="NodeResourcesFit"/> turned down.
    /// </summary>
    public IReadOnlyCollection<string> RejectingFilters { get; init; } = [];

    /// <summary>The name <see cref="ResourcesFitFilter"/> rejects under.</summary>
    public const string NodeResourcesFit = "NodeResourcesFit";
}

/// <summary>Why one node cannot take the pod: the filter that turned it down and its reasons.</summary>
public sealed record NodeRejection(string NodeName, string Filter, IReadOnlyList<string> Reasons);
